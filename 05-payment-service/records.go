package main

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/streams-workshop/kit/events"
)

// paidRecords is the upkeep of the paid-orders set: when it was last
// trimmed, and what that removed.
type paidRecords struct {
	mu         sync.Mutex
	trimmedAt  time.Time
	forgotten  atomic.Int64 // records removed with their trimmed order events
	trimFailed atomic.Bool
}

// forgetEvery is how often the records of paid orders are trimmed.
const forgetEvery = 10 * time.Second

// forgetTrimmed removes the records of orders whose entries order-events no
// longer holds: an entry trimmed away cannot be delivered again, so its
// record is no longer needed. A record lives exactly as long as its entry,
// which is what makes reading the whole stream again safe (see main.go).
func (p *payer) forgetTrimmed(ctx context.Context) {
	if !p.records.mu.TryLock() {
		return // another batch in flight is at it
	}
	defer p.records.mu.Unlock()
	if time.Since(p.records.trimmedAt) < forgetEvery {
		return
	}
	p.records.trimmedAt = time.Now()
	first, err := p.rdb.XRangeN(ctx, events.OrderStream, "-", "+", 1).Result()
	if err != nil || len(first) == 0 {
		p.noteForgetError(err)
		return // no entry: keep every record, nothing to compare with
	}
	below := "(" + strconv.FormatInt(events.IDTime(first[0].ID).UnixMilli(), 10)
	n, err := p.rdb.ZRemRangeByScore(ctx, paidOrdersKey, "-inf", below).Result()
	p.noteForgetError(err)
	p.records.forgotten.Add(n)
}

// noteForgetError logs the first failure to trim the records, and the
// recovery: the set grows meanwhile, and nothing else goes wrong.
func (p *payer) noteForgetError(err error) {
	if err != nil && !p.records.trimFailed.Swap(true) {
		p.log.Warn("could not trim the records of paid orders; trying again later", "key", paidOrdersKey, "err", err)
	}
	if err == nil && p.records.trimFailed.Swap(false) {
		p.log.Info("trimming the records of paid orders works again", "key", paidOrdersKey)
	}
}
