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
// no other batch has. Redelivered entries, claims and shutdown first wait for
// every batch in flight, so that nothing in hand is read again meanwhile.
//
// InFlight goroutines handle them for as long as Run runs: like the reader's,
// they keep their stacks from one batch to the next.
type flight struct {
	c      *Consumer
	work   chan batch // to the goroutines; nil with InFlight 1
	wg     sync.WaitGroup
	failed atomic.Bool // a batch failed: its entries are pending, for the "0" pass
}

// newFlight starts the goroutines that handle batches in flight; stop ends them.
func (c *Consumer) newFlight(ctx context.Context) *flight {
	f := &flight{c: c}
	if c.cfg.InFlight > 1 {
		f.work = make(chan batch)
		for range c.cfg.InFlight {
			go func() {
				for b := range f.work {
					if !c.handle(ctx, b) {
						f.failed.Store(true)
					}
					f.wg.Done()
				}
			}()
		}
	}
	return f
}

// stop ends the goroutines, once every batch has landed.
func (f *flight) stop() {
	if f.work != nil {
		close(f.work)
	}
}

// start handles b: at once when it is the only batch allowed, or a batch of
// redelivered entries; otherwise in the background, once a goroutine is free.
func (f *flight) start(ctx context.Context, r *reader, b batch) {
	if f.work == nil || b.redelivered || len(b.messages) == 0 {
		f.waitAll(r)
		if !f.c.handle(ctx, b) {
			r.restart()
		}
		return
	}
	f.wg.Add(1)
	f.work <- b
}

// waitAll waits for the batches in flight. When one failed, the reader starts
// again from this consumer's pending entries, where its entries are.
func (f *flight) waitAll(r *reader) {
	f.wg.Wait()
	if f.failed.Swap(false) {
		r.restart()
	}
}
