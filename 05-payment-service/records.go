package main

import (
	"context"
	_ "embed"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/events"
)

// paidRecords is the upkeep of the records of paid orders: when they were
// last looked at, and what that removed.
type paidRecords struct {
	mu         sync.Mutex
	trimmedAt  time.Time
	forgotten  atomic.Int64 // records removed with their trimmed order events
	trimFailed atomic.Bool
}

// forgetEvery is how often the records of paid orders are looked at.
const forgetEvery = 10 * time.Second

// forget.lua drops the older set of records once order-events holds none of
// their entries, and makes the newer set the older one.
//
//go:embed forget.lua
var forgetLua string

var forgetScript = redis.NewScript(forgetLua)

// forgetTrimmed removes the records of orders whose entries order-events no
// longer holds: an entry trimmed away cannot be delivered again, so its
// record is no longer needed. A record lives at least as long as its entry,
// which is what makes reading the whole stream again safe (see main.go).
//
// Records are forgotten a set at a time, which costs Redis far less than
// one at a time: pay.lua adds each record to the newer set and notes the
// newest entry time the set holds a record of. forget.lua drops the older set
// once order-events' first entry is newer than that time, and the newer set
// becomes the older one. So the records of an order event live until about
// one more stream's worth of orders has come after it.
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
	keys := []string{paidOrdersKey, olderPaidOrdersKey, paidNewestKey}
	n, err := forgetScript.Run(ctx, p.rdb, keys, events.IDTime(first[0].ID).UnixMilli()).Int64()
	p.noteForgetError(err)
	p.records.forgotten.Add(n)
}

// noteForgetError logs the first failure to forget records, and the
// recovery: the sets grow meanwhile, and nothing else goes wrong.
func (p *payer) noteForgetError(err error) {
	if err != nil && !p.records.trimFailed.Swap(true) {
		p.log.Warn("could not forget the records of paid orders; trying again later", "key", olderPaidOrdersKey, "err", err)
	}
	if err == nil && p.records.trimFailed.Swap(false) {
		p.log.Info("forgetting the records of paid orders works again", "key", olderPaidOrdersKey)
	}
}
