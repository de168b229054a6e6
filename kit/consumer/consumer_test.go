package consumer_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/consumer"
)

const (
	stream = "jobs"
	group  = "workers"
	dlq    = "jobs:dlq:workers"
)

// recorder is a handler that remembers what it was given.
type recorder struct {
	mu   sync.Mutex
	seen []consumer.Message
	// reject, when set, says why an entry is refused ("" to accept it).
	reject func(m consumer.Message) string
	// fail, when set, is returned instead of a result.
	fail func() error
}

func (r *recorder) handle(ctx context.Context, batch []consumer.Message) (consumer.Result, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen = append(r.seen, batch...)
	if r.fail != nil {
		if err := r.fail(); err != nil {
			return consumer.Result{}, err
		}
	}
	var result consumer.Result
	for _, m := range batch {
		if r.reject != nil {
			if reason := r.reject(m); reason != "" {
				result.Reject(m.ID, reason)
			}
		}
	}
	return result, nil
}

func (r *recorder) ids() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ids []string
	for _, m := range r.seen {
		ids = append(ids, m.ID)
	}
	return ids
}

// run starts a consumer of jobs in group workers; the returned function stops
// it and waits for Run to return.
func run(t *testing.T, rdb *redis.Client, name string, h *recorder, tune func(*consumer.Config)) (*consumer.Consumer, func()) {
	t.Helper()
	cfg := consumer.Config{Stream: stream, Group: group, Consumer: name, Handler: h.handle,
		Block: 100 * time.Millisecond, Log: slog.New(slog.DiscardHandler)}
	if tune != nil {
		tune(&cfg)
	}
	c, err := consumer.New(rdb, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.Run(ctx); close(done) }()
	stop := func() { cancel(); <-done }
	t.Cleanup(stop)
	return c, stop
}

func add(t *testing.T, rdb *redis.Client, values ...string) string {
	t.Helper()
	id, err := rdb.XAdd(context.Background(), &redis.XAddArgs{Stream: stream, Values: values}).Result()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// pendingThenNew leaves an entry pending for c1, as a crash would, then adds
// a new one; between the two it runs between (if not nil).
func pendingThenNew(t *testing.T, rdb *redis.Client, between func()) (old, fresh string) {
	t.Helper()
	ctx := context.Background()
	old = add(t, rdb, "n", "1")
	rdb.XGroupCreate(ctx, stream, group, "0")
	rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: group, Consumer: "c1", Streams: []string{stream, ">"}})
	if between != nil {
		between()
	}
	return old, add(t, rdb, "n", "2")
}

// A restarted consumer first finishes what it had been given before it
// died (its pending entries, ID 0), then reads new ones (>); it acks both.
func TestOwnPendingEntriesFirst(t *testing.T) {
	rdb := privateRedis(t)
	old, fresh := pendingThenNew(t, rdb, nil)

	h := &recorder{}
	run(t, rdb, "c1", h, nil)
	waitUntil(t, "both entries are handled", func() bool { return len(h.ids()) == 2 })
	waitUntil(t, "nothing is pending", func() bool { return pendingCount(t, rdb, stream, group) == 0 })
	if got, want := h.ids(), []string{old, fresh}; !slices.Equal(got, want) {
		t.Errorf("handled %v, want %v: the pending entry first", got, want)
	}
	if d := h.seen[0].Deliveries; d != 2 {
		t.Errorf("the pending entry's Deliveries = %d, want 2 (read once before the crash)", d)
	}
	if d := h.seen[1].Deliveries; d != 1 {
		t.Errorf("the new entry's Deliveries = %d, want 1", d)
	}
}

// A rejected entry goes to the dead-letter stream with its fields and the
// reason, and is acked; the others are acked too.
func TestRejectedEntriesAreDeadLettered(t *testing.T) {
	rdb := privateRedis(t)
	add(t, rdb, "n", "1")
	bad := add(t, rdb, "n", "poison")
	h := &recorder{reject: func(m consumer.Message) string {
		if m.Values["n"] == "poison" {
			return "n is not a number"
		}
		return ""
	}}
	c, _ := run(t, rdb, "c1", h, nil)
	waitUntil(t, "the dead letter is written", func() bool { return rdb.XLen(context.Background(), dlq).Val() == 1 })
	waitUntil(t, "nothing is pending", func() bool { return pendingCount(t, rdb, stream, group) == 0 })

	dead := rdb.XRange(context.Background(), dlq, "-", "+").Val()[0].Values
	for field, want := range map[string]string{"n": "poison", "dlq.reason": "n is not a number",
		"dlq.entryId": bad, "dlq.stream": stream, "dlq.group": group, "dlq.consumer": "c1", "dlq.deliveries": "1"} {
		if dead[field] != want {
			t.Errorf("dead letter %s = %v, want %q", field, dead[field], want)
		}
	}
	if s := c.Stats(); s.Processed != 1 || s.DeadLettered != 1 {
		t.Errorf("stats = %+v, want 1 processed and 1 dead-lettered", s)
	}
}

// An entry delivered more than MaxDeliveries times (its consumer crashed on
// it each time) is dead-lettered without reaching the handler.
func TestMaxDeliveries(t *testing.T) {
	rdb := privateRedis(t)
	ctx := context.Background()
	cursed := add(t, rdb, "n", "cursed")
	rdb.XGroupCreate(ctx, stream, group, "0")
	for _, id := range []string{">", "0"} { // delivered twice, acked never
		rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: group, Consumer: "c1", Streams: []string{stream, id}})
	}

	h := &recorder{}
	run(t, rdb, "c1", h, func(cfg *consumer.Config) { cfg.MaxDeliveries = 2 })
	waitUntil(t, "the dead letter is written", func() bool { return rdb.XLen(ctx, dlq).Val() == 1 })
	waitUntil(t, "nothing is pending", func() bool { return pendingCount(t, rdb, stream, group) == 0 })
	dead := rdb.XRange(ctx, dlq, "-", "+").Val()[0].Values
	if dead["dlq.entryId"] != cursed || dead["dlq.reason"] != "delivered 3 times, more than MAX_DELIVERIES=2" {
		t.Errorf("dead letter = %v", dead)
	}
	if ids := h.ids(); len(ids) != 0 {
		t.Errorf("the handler saw %v; a dead letter must not reach it", ids)
	}
}

// XAUTOCLAIM: an entry a dead consumer left idle is taken over and handled.
func TestClaimsIdleEntries(t *testing.T) {
	rdb := privateRedis(t)
	ctx := context.Background()
	orphan := add(t, rdb, "n", "1")
	rdb.XGroupCreate(ctx, stream, group, "0")
	rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: group, Consumer: "dead", Streams: []string{stream, ">"}})

	h := &recorder{}
	c, _ := run(t, rdb, "alive", h, func(cfg *consumer.Config) { cfg.ClaimMinIdle = consumer.MinClaimMinIdle })
	waitUntil(t, "nothing is pending", func() bool { return pendingCount(t, rdb, stream, group) == 0 })
	if got := h.ids(); !slices.Equal(got, []string{orphan}) {
		t.Errorf("handled %v, want the orphan %s", got, orphan)
	}
	if c.Stats().Claimed != 1 {
		t.Errorf("stats = %+v, want 1 claimed", c.Stats())
	}
}

// After NOGROUP (a Redis restart without persistence, or XGROUP DESTROY) the
// group is created again after the last entry processed: new entries flow,
// old ones are not handled twice.
func TestRecreatesLostGroup(t *testing.T) {
	rdb := privateRedis(t)
	ctx := context.Background()
	first := add(t, rdb, "n", "1")
	h := &recorder{}
	run(t, rdb, "c1", h, nil)
	waitUntil(t, "the first entry is handled", func() bool { return len(h.ids()) == 1 })

	if err := rdb.XGroupDestroy(ctx, stream, group).Err(); err != nil {
		t.Fatal(err)
	}
	second := add(t, rdb, "n", "2")
	waitUntil(t, "the second entry is handled", func() bool { return len(h.ids()) >= 2 })
	waitUntil(t, "nothing is pending", func() bool { return pendingCount(t, rdb, stream, group) == 0 })
	if got := h.ids(); !slices.Equal(got, []string{first, second}) {
		t.Errorf("handled %v, want %v", got, []string{first, second})
	}
}

// On shutdown the consumer finishes and acks the batch in hand, then Run returns.
func TestStopFinishesTheBatchInHand(t *testing.T) {
	rdb := privateRedis(t)
	add(t, rdb, "n", "1")
	ctx, cancel := context.WithCancel(context.Background())
	// The handler is in the middle of its batch when the stop comes.
	h := &recorder{fail: func() error { cancel(); return nil }}
	c, err := consumer.New(rdb, consumer.Config{Stream: stream, Group: group, Consumer: "c1",
		Handler: h.handle, Block: 100 * time.Millisecond, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	c.Run(ctx)
	if n := pendingCount(t, rdb, stream, group); n != 0 {
		t.Errorf("pending = %d after stop, want 0: the batch in hand is acked", n)
	}
}

// A fault of Redis (here a connection lost in the middle of the handler's
// work) is not the entry's fault: the same batch is tried again, and no try
// counts as a delivery. With MaxDeliveries 1, one counted redelivery would
// dead-letter the entry.
func TestRedisFaultsCountNoDelivery(t *testing.T) {
	rdb := privateRedis(t)
	add(t, rdb, "n", "1")
	failures := 3
	h := &recorder{fail: func() error {
		if failures > 0 {
			failures--
			return fmt.Errorf("pay: %w", io.ErrUnexpectedEOF)
		}
		return nil
	}}
	c, _ := run(t, rdb, "c1", h, func(cfg *consumer.Config) { cfg.MaxDeliveries = 1 })
	waitUntil(t, "the entry is done", func() bool {
		s := c.Stats()
		return s.Processed+s.DeadLettered == 1 && pendingCount(t, rdb, stream, group) == 0
	})
	if n := rdb.XLen(context.Background(), dlq).Val(); n != 0 {
		t.Errorf("%d dead letters, want none: a fault of Redis is not a delivery", n)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.seen) != 4 {
		t.Fatalf("the handler saw %d batches, want 4 (3 failures, then success)", len(h.seen))
	}
	for _, m := range h.seen {
		if m.Deliveries != 1 {
			t.Errorf("Deliveries = %d on a try after a fault of Redis, want 1", m.Deliveries)
		}
	}
	if s := c.Stats(); s.Retried != 3 || s.DeadLettered != 0 {
		t.Errorf("stats = %+v, want 3 retried and none dead-lettered", s)
	}
}

// A failure of the handler's own (not of Redis) counts a delivery each
// time: an event that keeps failing ends in the dead-letter stream.
func TestHandlerFailuresCountDeliveries(t *testing.T) {
	rdb := privateRedis(t)
	add(t, rdb, "n", "cursed")
	h := &recorder{fail: func() error { return errors.New("cannot parse n") }}
	run(t, rdb, "c1", h, func(cfg *consumer.Config) { cfg.MaxDeliveries = 2 })
	waitUntil(t, "the dead letter is written", func() bool { return rdb.XLen(context.Background(), dlq).Val() == 1 })
	dead := rdb.XRange(context.Background(), dlq, "-", "+").Val()[0].Values
	if dead["dlq.reason"] != "delivered 3 times, more than MAX_DELIVERIES=2" {
		t.Errorf("dead letter = %v", dead)
	}
}

// While one instance waits out a fault of Redis with a batch in hand, it
// keeps the batch (XCLAIM JUSTID): another instance's XAUTOCLAIM does not
// take it over, which would count a delivery each time (MaxDeliveries 1: one
// would dead-letter it).
func TestBatchInHandIsKeptDuringAFault(t *testing.T) {
	rdb := privateRedis(t)
	add(t, rdb, "n", "1")
	var mu sync.Mutex
	failures, healed := 0, false
	waiting := &recorder{fail: func() error {
		mu.Lock()
		defer mu.Unlock()
		if healed {
			return nil
		}
		failures++
		return io.ErrUnexpectedEOF
	}}
	failed := func(n int) func() bool {
		return func() bool { mu.Lock(); defer mu.Unlock(); return failures >= n }
	}
	tune := func(cfg *consumer.Config) { cfg.MaxDeliveries = 1; cfg.ClaimMinIdle = time.Second }
	a, _ := run(t, rdb, "a", waiting, tune)
	waitUntil(t, "a holds the entry and fails", failed(1))

	other := &recorder{}
	b, _ := run(t, rdb, "b", other, tune)
	// Long enough for the entry to sit idle past ClaimMinIdle twice over,
	// were it not kept: a's backoff is at most ClaimMinIdle/2.
	waitUntil(t, "a has failed for a while", failed(8))
	mu.Lock()
	healed = true
	mu.Unlock()
	waitUntil(t, "the entry is done", func() bool {
		return a.Stats().Processed+b.Stats().DeadLettered+b.Stats().Processed == 1 &&
			pendingCount(t, rdb, stream, group) == 0
	})
	if n := rdb.XLen(context.Background(), dlq).Val(); n != 0 {
		t.Errorf("%d dead letters, want none: the batch in hand was taken over", n)
	}
	if ids := other.ids(); len(ids) != 0 {
		t.Errorf("b handled %v; the entry was a's, kept during the fault", ids)
	}
}

// TestNewRefusesOutOfBounds: New refuses a ClaimMinIdle below
// MinClaimMinIdle and a Block above MaxBlock, and takes the bounds themselves.
func TestNewRefusesOutOfBounds(t *testing.T) {
	handler := func(context.Context, []consumer.Message) (consumer.Result, error) { return consumer.Result{}, nil }
	for _, tc := range []struct {
		claimMinIdle, block time.Duration
		wantErr             bool
	}{
		{consumer.MinClaimMinIdle, consumer.MaxBlock, false},
		{consumer.MinClaimMinIdle - time.Millisecond, 0, true},
		{0, consumer.MaxBlock + time.Millisecond, true},
	} {
		_, err := consumer.New(nil, consumer.Config{Stream: "s", Group: "g", Consumer: "c", Handler: handler,
			ClaimMinIdle: tc.claimMinIdle, Block: tc.block})
		if (err != nil) != tc.wantErr {
			t.Errorf("ClaimMinIdle %v, Block %v: err %v, want an error: %v", tc.claimMinIdle, tc.block, err, tc.wantErr)
		}
	}
}

// TestBigEntriesAreDeadLetteredAndShrinkTheReads: an entry over MaxEntryBytes
// goes to the dead-letter stream with the reason and without its fields; the
// handler never sees it; and the reads after a batch of big entries take
// fewer entries, then grow back to Count.
func TestBigEntriesAreDeadLetteredAndShrinkTheReads(t *testing.T) {
	rdb := privateRedis(t)
	ctx := context.Background()
	big := strings.Repeat("x", 5000)
	for range 30 {
		add(t, rdb, "payload", big)
	}
	for i := range 40 {
		add(t, rdb, "n", fmt.Sprint(i))
	}
	var mu sync.Mutex
	var sizes []int
	handler := func(_ context.Context, batch []consumer.Message) (consumer.Result, error) {
		mu.Lock()
		defer mu.Unlock()
		for _, m := range batch {
			if _, ok := m.Values["payload"]; ok {
				return consumer.Result{}, fmt.Errorf("the handler got a big entry %s", m.ID)
			}
		}
		sizes = append(sizes, len(batch))
		return consumer.Result{}, nil
	}
	cfg := consumer.Config{Stream: stream, Group: group, Consumer: "c1", Handler: handler, Count: 10,
		MaxEntryBytes: 1000, Block: 100 * time.Millisecond, Log: slog.New(slog.DiscardHandler)}
	c, err := consumer.New(rdb, cfg)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { c.Run(runCtx); close(done) }()
	defer func() { cancel(); <-done }()
	waitUntil(t, "every entry is handled or dead-lettered", func() bool {
		return rdb.XLen(ctx, dlq).Val() == 30 && pendingCount(t, rdb, stream, group) == 0 && c.Stats().Processed == 40
	})
	letters := rdb.XRange(ctx, dlq, "-", "+").Val()
	if _, kept := letters[0].Values["payload"]; kept || !strings.HasPrefix(fmt.Sprint(letters[0].Values["dlq.reason"]), "entry too big: 5007 bytes, more than MAX_ENTRY_BYTES=1000") {
		t.Errorf("dead letter %v; want the reason and no payload", letters[0].Values)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sizes) == 0 || sizes[0] > 2 || slices.Max(sizes) != 10 {
		t.Errorf("batch sizes %v: want the first small batch read with at most 2 entries after the big ones, then back to 10", sizes)
	}
}

// TestTimeoutWhileRedisAnswersIsNotAnOutage: a call that timed out while
// Redis is fine (this process was paused: SIGSTOP, a laptop asleep) is tried
// again without a warning that Redis is unavailable, nor a "Redis is back".
func TestTimeoutWhileRedisAnswersIsNotAnOutage(t *testing.T) {
	rdb := privateRedis(t)
	add(t, rdb, "n", "1")
	failed := false
	h := &recorder{fail: func() error {
		if !failed {
			failed = true
			return context.DeadlineExceeded // as a read whose deadline passed during a pause
		}
		return nil
	}}
	logs := &lockedBuffer{}
	_, stop := run(t, rdb, "c1", h, func(cfg *consumer.Config) { cfg.Log = slog.New(slog.NewTextHandler(logs, nil)) })
	waitUntil(t, "the entry is handled on the second try", func() bool {
		return len(h.ids()) == 2 && pendingCount(t, rdb, stream, group) == 0
	})
	stop()
	if log := logs.String(); strings.Contains(log, "unavailable") || strings.Contains(log, "Redis is back") ||
		!strings.Contains(log, "a call to Redis failed, and Redis answers") {
		t.Errorf("log:\n%s\nwant the failure logged as one call, not as an outage of Redis", log)
	}
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// pipelineNames is a go-redis hook that records the command names of each
// pipeline, as "set set xack".
type pipelineNames struct {
	mu    sync.Mutex
	names []string
}

func (h *pipelineNames) DialHook(next redis.DialHook) redis.DialHook          { return next }
func (h *pipelineNames) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }
func (h *pipelineNames) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		var names []string
		for _, c := range cmds {
			names = append(names, c.Name())
		}
		h.mu.Lock()
		h.names = append(h.names, strings.Join(names, " "))
		h.mu.Unlock()
		return next(ctx, cmds)
	}
}

// A handler's BeforeAck writes go in the round trip that acks the batch,
// ahead of the XACK, so that an entry is never acked without them; with
// HandlerAcks they go alone.
func TestBeforeAckWritesGoWithTheAck(t *testing.T) {
	for _, handlerAcks := range []bool{false, true} {
		t.Run(fmt.Sprint("HandlerAcks=", handlerAcks), func(t *testing.T) {
			rdb := privateRedis(t)
			a, b := add(t, rdb, "n", "1"), add(t, rdb, "n", "2")
			hook := &pipelineNames{}
			rdb.AddHook(hook)
			markDone := func(ctx context.Context, batch []consumer.Message) (consumer.Result, error) {
				return consumer.Result{BeforeAck: func(pipe redis.Pipeliner) {
					for _, m := range batch {
						pipe.Set(ctx, "done:"+m.ID, 1, 0)
						if handlerAcks {
							pipe.XAck(ctx, stream, group, m.ID)
						}
					}
				}}, nil
			}
			run(t, rdb, "c1", &recorder{}, func(cfg *consumer.Config) { cfg.Handler, cfg.HandlerAcks = markDone, handlerAcks })
			waitUntil(t, "both entries are done", func() bool { return rdb.Exists(context.Background(), "done:"+a, "done:"+b).Val() == 2 })
			waitUntil(t, "nothing is pending", func() bool { return pendingCount(t, rdb, stream, group) == 0 })
			hook.mu.Lock()
			defer hook.mu.Unlock()
			want := "set set xack"
			if handlerAcks {
				want = "set xack set xack"
			}
			if !slices.Contains(hook.names, want) {
				t.Errorf("pipelines %q, want one of %q", hook.names, want)
			}
		})
	}
}
