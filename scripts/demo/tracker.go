package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/streams-workshop/scripts/percentile"
)

// The services say what they did on stdout, one line per event, each naming
// the orderId. The demo follows its orders through these lines.
var (
	paymentLine = regexp.MustCompile(`^\[Order consumed\] Created payment: \S+ +orderId: (\S+)$`)
	mailLine    = regexp.MustCompile(`^\[Order consumed\] userId: .* orderId: (\S+) \(mail sent\)$`)
	smsLine     = regexp.MustCompile(`^\[Payment consumed\] userId: .* orderId: (\S+) \(SMS sent\)$`)
)

// step is what happens to an order after it is accepted.
type step int

const (
	payment step = iota
	mail
	sms
	steps // how many there are
)

var stepNames = [steps]string{"payment", "mail", "SMS"}

// order is what the demo saw of one order, and when.
type order struct {
	accepted time.Time // the 201 came back
	seen     [steps]time.Time
	first    time.Time // the first line about it, to expire strangers
	// elsewhere: a step was seen in Redis, done by a service that is not the
	// demo's (observe.go)
	elsewhere bool
}

func (o *order) complete() bool {
	return !o.accepted.IsZero() && !o.seen[payment].IsZero() && !o.seen[mail].IsZero() && !o.seen[sms].IsZero()
}

// latency runs from the 201 to the last notification. A service can print
// before the HTTP response is back, hence the floor at 0.
func (o *order) latency() time.Duration {
	return max(o.seen[mail].Sub(o.accepted), o.seen[sms].Sub(o.accepted), 0)
}

// tracker follows the demo's orders, and only those: on your own Redis, the
// services may also print lines for orders from earlier runs.
type tracker struct {
	mu       sync.Mutex
	total    int               // orders to place
	ours     map[string]*order // accepted orders, by orderId
	ids      []string          // accepted orderIds, in order
	refused  []string          // why the order service refused an order
	complete int

	// early holds lines whose order has no 201 yet: a consumer can beat the
	// HTTP response. Lines about orders of earlier runs end up here too, and
	// are dropped after earlyFor.
	early     map[string]*order
	pruneFrom int

	changed chan struct{} // holds a token after an order completes
}

const earlyFor = time.Minute

func newTracker(total int) *tracker {
	return &tracker{
		total:     total,
		ours:      map[string]*order{},
		early:     map[string]*order{},
		pruneFrom: 10_000,
		changed:   make(chan struct{}, 1),
	}
}

// parse finds which step a service's line reports, and for which order.
func parse(service, text string) (id string, s step, ok bool) {
	switch service {
	case "payment-service":
		if m := paymentLine.FindStringSubmatch(text); m != nil {
			return m[1], payment, true
		}
	case "notification-service":
		if m := mailLine.FindStringSubmatch(text); m != nil {
			return m[1], mail, true
		}
		if m := smsLine.FindStringSubmatch(text); m != nil {
			return m[1], sms, true
		}
	}
	return "", 0, false
}

// line notes a line a service printed on stdout at time at.
func (t *tracker) line(service, text string, at time.Time) {
	id, s, ok := parse(service, text)
	if !ok {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	o := t.ours[id]
	if o == nil {
		if o = t.early[id]; o == nil {
			o = &order{first: at}
			t.early[id] = o
			t.prune(at)
		}
	}
	if !o.seen[s].IsZero() {
		return
	}
	o.seen[s] = at
	if o.complete() {
		t.completed()
	}
}

// prune drops early lines older than earlyFor once there are many of them;
// pruneFrom grows so that this stays cheap.
func (t *tracker) prune(now time.Time) {
	if len(t.early) < t.pruneFrom {
		return
	}
	for id, o := range t.early {
		if now.Sub(o.first) > earlyFor {
			delete(t.early, id)
		}
	}
	t.pruneFrom = max(10_000, 2*len(t.early))
}

// accept notes an order the service accepted (201) at time at.
func (t *tracker) accept(id string, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	o := t.early[id]
	if o == nil {
		o = &order{}
	}
	delete(t.early, id)
	o.accepted = at
	t.ours[id] = o
	t.ids = append(t.ids, id)
	if o.complete() {
		t.completed()
	}
}

// refuse notes an order that was not accepted, and why.
func (t *tracker) refuse(reason string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.refused = append(t.refused, reason)
}

func (t *tracker) completed() {
	t.complete++
	select {
	case t.changed <- struct{}{}:
	default: // a token is already waiting
	}
}

// counts returns how many orders were placed (answered) and how many are complete.
func (t *tracker) counts() (placed, complete int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.ours) + len(t.refused), t.complete
}

// wait waits, after the last order is placed, until every accepted order is
// complete, or timeout passes, or ctx is done.
func (t *tracker) wait(ctx context.Context, timeout time.Duration) error {
	deadline := time.After(timeout)
	for {
		t.mu.Lock()
		done, accepted := t.complete, len(t.ours)
		t.mu.Unlock()
		if done == accepted {
			return nil
		}
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-deadline:
			return fmt.Errorf("gave up after waiting %s: %d of %d orders incomplete", timeout, accepted-done, accepted)
		case <-t.changed:
		}
	}
}

// report is the end of a run: the summary line, and what went wrong.
type report struct {
	summary   string
	problems  []string
	elsewhere int // orders that services other than the demo's worked on
}

// maxListed bounds the orderIds a problem line names.
const maxListed = 10

func (t *tracker) report() report {
	t.mu.Lock()
	defer t.mu.Unlock()
	var r report
	if len(t.refused) > 0 {
		r.problems = append(r.problems, fmt.Sprintf("refused: %d of %d orders (the first: %s)", len(t.refused), t.total, t.refused[0]))
	}
	if placed := len(t.ours) + len(t.refused); placed < t.total {
		r.problems = append(r.problems, fmt.Sprintf("not placed: %d of %d orders", t.total-placed, t.total))
	}
	var counts [steps]int
	var latencies []time.Duration
	for s := range steps {
		var missing []string
		for _, id := range t.ids {
			if t.ours[id].seen[s].IsZero() {
				missing = append(missing, id)
			} else {
				counts[s]++
			}
		}
		if len(missing) > 0 {
			r.problems = append(r.problems, fmt.Sprintf("missing %s for %d of %d orders: %s",
				stepNames[s], len(missing), len(t.ids), listIDs(missing)))
		}
	}
	for _, id := range t.ids {
		o := t.ours[id]
		if o.complete() {
			latencies = append(latencies, o.latency())
		}
		if o.elsewhere {
			r.elsewhere++
		}
	}
	r.summary = fmt.Sprintf("summary: orders=%d payments=%d notifications=%d p50=%s p99=%s",
		len(t.ids), counts[payment], counts[mail]+counts[sms], latency(latencies, 0.50), latency(latencies, 0.99))
	return r
}

func listIDs(ids []string) string {
	if len(ids) <= maxListed {
		return strings.Join(ids, " ")
	}
	return strings.Join(ids[:maxListed], " ") + fmt.Sprintf(" and %d more", len(ids)-maxListed)
}

// latency is the q-th percentile of latencies in whole milliseconds, or n/a
// when there are none.
func latency(latencies []time.Duration, q float64) string {
	if len(latencies) == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%dms", percentile.Of(latencies, q).Round(time.Millisecond).Milliseconds())
}
