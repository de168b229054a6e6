package main

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/events"
)

// The demo follows its orders through its own services' output. When
// services of yours run on the same Redis (Step 4, left running), they are
// in the same consumer groups and take some of the demo's orders, and the
// demo's services never print those. So the demo also looks in Redis, where
// the work shows whoever did it: a payment in payment-events, and a
// notification's record, notification:<id>, saying "sent".

// observeEvery is how often the demo looks in Redis; lookAfter, how old an
// incomplete order must be before it does: its own services finish one in
// milliseconds, and their lines give the exact time.
const (
	observeEvery = 100 * time.Millisecond
	lookAfter    = 500 * time.Millisecond
)

// observe looks in Redis for the work done on the demo's orders, until ctx
// ends. after is the last payment-events ID before the demo's first order.
func (t *tracker) observe(ctx context.Context, rdb redis.UniversalClient, after string) {
	paidAt := map[string]time.Time{} // orderId: when its payment was seen in the stream
	tick := time.NewTicker(observeEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		now := time.Now()
		for {
			payments, err := rdb.XRangeN(ctx, events.PaymentStream, "("+after, "+", 1000).Result()
			if err != nil || len(payments) == 0 {
				break
			}
			for _, m := range payments {
				after = m.ID
				if id, ok := m.Values["orderId"].(string); ok {
					paidAt[id] = now
				}
			}
		}
		waiting := t.waiting(now.Add(-lookAfter))
		if len(waiting) == 0 {
			continue
		}
		mails := make([]*redis.StringCmd, len(waiting))
		texts := make([]*redis.StringCmd, len(waiting))
		_, _ = rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
			for i, id := range waiting {
				mails[i] = pipe.Get(ctx, "notification:mail:"+id)
				texts[i] = pipe.Get(ctx, "notification:sms:"+id)
			}
			return nil
		})
		for i, id := range waiting {
			if at, ok := paidAt[id]; ok {
				t.fromRedis(id, payment, at)
			}
			if mails[i].Val() == "sent" {
				t.fromRedis(id, mail, now)
			}
			if texts[i].Val() == "sent" {
				t.fromRedis(id, sms, now)
			}
		}
	}
}

// waiting lists the orders accepted before then that are not complete.
func (t *tracker) waiting(then time.Time) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var ids []string
	for _, id := range t.ids {
		if o := t.ours[id]; !o.complete() && o.accepted.Before(then) {
			ids = append(ids, id)
		}
	}
	return ids
}

// fromRedis notes a step of one of the demo's orders seen in Redis: done by
// a service that is not the demo's.
func (t *tracker) fromRedis(id string, s step, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	o := t.ours[id]
	if o == nil || !o.seen[s].IsZero() {
		return
	}
	o.seen[s], o.elsewhere = at, true
	if o.complete() {
		t.completed()
	}
}

// lastID is the ID of a stream's last entry, or "0-0" when there is none
// or it cannot be read: the services then say what is wrong.
func lastID(ctx context.Context, rdb redis.UniversalClient, stream string) string {
	last, err := rdb.XRevRangeN(ctx, stream, "+", "-", 1).Result()
	if err != nil || len(last) == 0 {
		return "0-0"
	}
	return last[0].ID
}
