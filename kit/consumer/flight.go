package consumer

import (
	"context"
	"sync"
	"sync/atomic"
)

// flight handles batches of new entries, up to Config.InFlight at once.
// While one batch's Redis calls run, the next batch is already on its way:
// Redis runs one command at a time, and with one batch at a time it waits for
// this process between two batches.
//
// Only batches of new entries (read with >) fly together: each holds entries
// no other batch has. Redelivered entries, claims and shutdown first land
// every batch in flight, so that nothing in hand is read again meanwhile.
type flight struct {
	c      *Consumer
	slots  chan struct{} // one per batch in flight
	wg     sync.WaitGroup
	failed atomic.Bool // a batch failed: its entries are pending, for the "0" pass
}

func (c *Consumer) newFlight() *flight {
	return &flight{c: c, slots: make(chan struct{}, c.cfg.InFlight)}
}

// launch handles b: at once when it is the only batch allowed, or a batch of
// redelivered entries; otherwise in the background, once a slot is free.
func (f *flight) launch(ctx context.Context, r *reader, b batch) {
	if cap(f.slots) == 1 || b.redelivered || len(b.messages) == 0 {
		f.land(r)
		if !f.c.handle(ctx, b) {
			r.restart()
		}
		return
	}
	f.slots <- struct{}{}
	f.wg.Go(func() {
		defer func() { <-f.slots }()
		if !f.c.handle(ctx, b) {
			f.failed.Store(true)
		}
	})
}

// land waits for the batches in flight. When one failed, the reader starts
// again from this consumer's pending entries, where its entries are.
func (f *flight) land(r *reader) {
	f.wg.Wait()
	if f.failed.Swap(false) {
		r.restart()
	}
}
