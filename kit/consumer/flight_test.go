package consumer_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/streams-workshop/kit/consumer"
)

// With InFlight 2, the handler runs for two batches of new entries at once:
// the first batch waits until the second one has started (it fails if it
// never does). Every entry is handled once and acked.
func TestBatchesInFlight(t *testing.T) {
	rdb := privateRedis(t)
	var want []string
	for range 6 {
		want = append(want, add(t, rdb, "n", "1"))
	}
	var mu sync.Mutex
	var handled []string
	running, most := 0, 0
	second := make(chan struct{})
	var once sync.Once
	h := &recorder{}
	handler := func(ctx context.Context, batch []consumer.Message) (consumer.Result, error) {
		mu.Lock()
		running++
		most = max(most, running)
		if running == 2 {
			once.Do(func() { close(second) })
		}
		mu.Unlock()
		select { // the first batch in flight waits for the second
		case <-second:
		case <-time.After(5 * time.Second):
		}
		mu.Lock()
		running--
		for _, m := range batch {
			handled = append(handled, m.ID)
		}
		mu.Unlock()
		return consumer.Result{}, nil
	}
	run(t, rdb, "c1", h, func(cfg *consumer.Config) {
		cfg.Handler, cfg.Count, cfg.InFlight = handler, 2, 2
	})
	waitUntil(t, "all six entries are handled", locked(&mu, func() bool { return len(handled) == 6 }))
	waitUntil(t, "nothing is pending", func() bool { return pendingCount(t, rdb, stream, group) == 0 })
	mu.Lock()
	defer mu.Unlock()
	if most != 2 {
		t.Errorf("at most %d batches ran at once, want 2 (InFlight 2)", most)
	}
	slices.Sort(handled)
	if !slices.Equal(handled, want) {
		t.Errorf("handled %v, want each of %v once", handled, want)
	}
}

// A batch in flight that fails is read again from the pending entries (its
// entries' second delivery); the batch beside it is not.
func TestFailedBatchInFlightIsReadAgain(t *testing.T) {
	rdb := privateRedis(t)
	var ids []string
	for range 4 {
		ids = append(ids, add(t, rdb, "n", "1"))
	}
	failed := false
	h := &recorder{}
	var mu sync.Mutex
	deliveries := map[string][]int64{}
	handler := func(ctx context.Context, batch []consumer.Message) (consumer.Result, error) {
		mu.Lock()
		defer mu.Unlock()
		for _, m := range batch {
			deliveries[m.ID] = append(deliveries[m.ID], m.Deliveries)
		}
		if !failed && batch[0].ID == ids[0] {
			failed = true
			return consumer.Result{}, errors.New("the first batch fails once")
		}
		return consumer.Result{}, nil
	}
	run(t, rdb, "c1", h, func(cfg *consumer.Config) {
		cfg.Handler, cfg.Count, cfg.InFlight = handler, 2, 2
	})
	waitUntil(t, "six deliveries are handled", locked(&mu, func() bool {
		n := 0
		for _, d := range deliveries {
			n += len(d)
		}
		return n >= 6
	}))
	waitUntil(t, "nothing is pending", func() bool { return pendingCount(t, rdb, stream, group) == 0 })
	mu.Lock()
	defer mu.Unlock()
	for i, id := range ids {
		want := []int64{1}
		if i < 2 {
			want = []int64{1, 2} // the failed batch: read again, with its second delivery
		}
		if got := deliveries[id]; !slices.Equal(got, want) {
			t.Errorf("entry %d was handled with deliveries %v, want %v", i+1, got, want)
		}
	}
}

// locked makes a condition for waitUntil that reads what a handler writes.
func locked(mu *sync.Mutex, cond func() bool) func() bool {
	return func() bool {
		mu.Lock()
		defer mu.Unlock()
		return cond()
	}
}
