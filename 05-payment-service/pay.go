package main

import (
	"context"
	_ "embed"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/consumer"
	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/redisconn"
)

// An order event can be delivered more than once: after a crash before the
// ack, when another instance claims it from a slow one that then wakes up,
// or when the group is lost and read again from the start. pay.lua makes
// paying idempotent with a record per paid order, so that no order is ever
// paid twice, whatever delivered it. It pays a whole batch in one call,
// because a call costs far more than the work in it.
//
// The paymentProcessId comes from INCRBY on a counter in Redis: unlike the
// tutorial's in-memory counter, it does not restart at 0 and is shared by
// every instance.

// pay.lua runs after the checks in checkfirst.lua, as one script. Script.Run
// sends EVALSHA, and the whole script only when Redis answers NOSCRIPT.
var (
	//go:embed checkfirst.lua
	checkFirstLua string
	//go:embed pay.lua
	payLua    string
	payScript = redis.NewScript(checkFirstLua + payLua)
)

// The counter and the records share payment-events' hash tag, and so its
// cluster slot, so that one script may touch them all.
const (
	paymentIDCounter = "{" + events.PaymentStream + "}:payment-process-id"
	// The records of paid orders: two sets of orderIds (pay.lua), and the
	// time of the newest entry each holds a record of (records.go).
	paidOrdersKey      = "{" + events.PaymentStream + "}:paid-orders"
	olderPaidOrdersKey = paidOrdersKey + ":older"
	paidNewestKey      = paidOrdersKey + ":newest-entry"
)

// payer pays orders.
type payer struct {
	rdb    redis.UniversalClient
	log    *slog.Logger
	out    *cli.Lines
	maxLen int64
	delay  time.Duration
	// acks: the script acks the order events too. Not on a cluster, where
	// order-events lives in another slot: there payOnce acks afterwards.
	acks bool

	paid        atomic.Int64
	alreadyPaid atomic.Int64
	records     paidRecords // records.go
}

// order is a valid order event, its entry ID, and with tracing on the
// traceparent of its span, for its payment entry.
type order struct {
	entryID     string
	traceparent string
	events.Order
}

// waitThen is the start for consumer.Serve: wait for Redis, then see whether
// it is a cluster, known only once it answers (REDIS_URL may name one node of
// one: redisconn.Wait), before the consumer first calls pay.
func (p *payer) waitThen(wait func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) error {
		err := wait(ctx)
		_, onCluster := redisconn.ClusterOf(p.rdb)
		p.acks = !onCluster
		return err
	}
}

// pay handles a batch of order events with one script call.
func (p *payer) pay(ctx context.Context, batch []consumer.Message) (consumer.Result, error) {
	var result consumer.Result
	if p.delay > 0 {
		select { // a slow payment provider, for the takeover experiment
		case <-time.After(p.delay):
		case <-ctx.Done():
			return result, ctx.Err()
		}
	}
	var orders []order
	for _, m := range batch {
		o, err := events.ParseOrder(m.ID, m.Values)
		if err != nil {
			result.Reject(m.ID, "invalid order: "+err.Error())
			continue
		}
		orders = append(orders, order{entryID: m.ID, traceparent: m.Traceparent, Order: o})
	}
	if len(orders) == 0 {
		return result, nil
	}
	ids, err := p.payOnce(ctx, orders)
	if err != nil {
		return result, err
	}
	lines := make([]string, len(ids)) // one write per batch: see docs/performance.md
	for i, id := range ids {
		orderID := events.Printable(orders[i].OrderID)
		// The seed's line; with LOG_FORMAT=json, its words and fields in JSON,
		// and its trace_id with tracing on.
		if id != 0 {
			p.paid.Add(1)
			lines[i] = p.out.TracedEvent(orders[i].traceparent, fmt.Sprintf("[Order consumed] Created payment: %d   orderId: %s", id, orderID), "[Order consumed] Created payment", "paymentProcessId", fmt.Sprint(id), "orderId", orderID)
		} else {
			p.alreadyPaid.Add(1)
			lines[i] = p.out.TracedEvent(orders[i].traceparent, fmt.Sprintf("[Order consumed] Already paid   orderId: %s (not paid twice)", orderID), "[Order consumed] Already paid (not paid twice)", "orderId", orderID)
		}
	}
	p.out.Print(strings.Join(lines, "\n"))
	p.forgetTrimmed(ctx)
	return result, nil
}

// payOnce runs pay.lua on a batch: each order's new paymentProcessId, or 0
// for an order paid before.
func (p *payer) payOnce(ctx context.Context, orders []order) ([]int64, error) {
	keys := []string{events.PaymentStream, paymentIDCounter, paidOrdersKey, olderPaidOrdersKey, paidNewestKey}
	if p.acks {
		keys = append(keys, events.OrderStream)
	}
	// The batch's newest entry time bounds the time of every entry the
	// records are for (records.go).
	var newest int64
	for _, o := range orders {
		newest = max(newest, events.IDTime(o.entryID).UnixMilli())
	}
	// The orderIds, then the entry IDs, each in a row, so that the script
	// hands a row to SMISMEMBER, SADD or XACK as it is.
	perOrder, traced := 5, slices.ContainsFunc(orders, func(o order) bool { return o.traceparent != "" })
	if traced {
		perOrder++ // and each payment's traceparent, or ""
	}
	args := make([]any, 0, 4+perOrder*len(orders))
	args = append(args, p.maxLen, events.PaymentGroup, newest, len(orders))
	for _, o := range orders {
		args = append(args, o.OrderID)
	}
	for _, o := range orders {
		args = append(args, o.entryID)
	}
	for _, o := range orders {
		args = append(args, o.UserID, o.ProductID, o.Price)
	}
	if traced {
		for _, o := range orders {
			args = append(args, o.traceparent)
		}
	}
	reply, err := payScript.Run(ctx, p.rdb, keys, args...).Int64Slice()
	if err != nil {
		return nil, err
	}
	if !p.acks {
		if err := p.ack(ctx, orders); err != nil {
			return nil, err
		}
	}
	return numberInTurn(reply, len(orders))
}

// ack acks the orders' entries after the script, on a cluster. Should it
// fail, the batch comes again, and finds every order paid.
func (p *payer) ack(ctx context.Context, orders []order) error {
	ids := make([]string, len(orders))
	for i, o := range orders {
		ids[i] = o.entryID
	}
	return p.rdb.XAck(ctx, events.OrderStream, events.PaymentGroup, ids...).Err()
}

// numberInTurn reads pay.lua's answer: the paymentProcessId before the
// batch's first, then the positions (from 1) of the orders paid before. The
// others got the next numbers in turn.
func numberInTurn(reply []int64, orders int) ([]int64, error) {
	if len(reply) < 1 || len(reply)-1 > orders {
		return nil, fmt.Errorf("payment script: %d numbers for %d orders", len(reply), orders)
	}
	ids := make([]int64, orders)
	id, skipped := reply[0], reply[1:]
	for i := range ids {
		if len(skipped) > 0 && skipped[0] == int64(i+1) {
			skipped = skipped[1:]
			continue
		}
		id++
		ids[i] = id
	}
	if len(skipped) > 0 {
		return nil, fmt.Errorf("payment script: positions %v out of order or beyond %d orders", skipped, orders)
	}
	return ids, nil
}
