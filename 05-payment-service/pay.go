package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/consumer"
	"github.com/streams-workshop/kit/events"
)

// An order event can be delivered more than once: after a crash before the
// ack, or when another instance claims it from a slow one that then wakes up
// and finishes. Each script below makes paying idempotent, so that no order is
// ever paid twice. Each pays a whole batch in one call, because a call costs
// far more than the work in it; each tells, for every order, its new
// paymentProcessId, or that the order had been paid already.
//
// The paymentProcessId comes from INCR on a counter in Redis: unlike the
// tutorial's in-memory counter, it does not restart at 0 and is shared by
// every instance.

// DedupeMode says how the service keeps an order from being paid twice.
type DedupeMode string

const (
	// DedupeAck pays and acks each order in one script (payandack.lua): the
	// ack itself says "paid". The default on a single Redis.
	DedupeAck DedupeMode = "ack"
	// DedupeMarker pays each order once and marks it paid (paymarked.lua);
	// the consumer acks afterwards. The only choice on a Redis Cluster.
	DedupeMarker DedupeMode = "marker"
)

// dedupeMode reads PAYMENT_DEDUPE. On a cluster order-events and
// payment-events live in different slots, and a script cannot touch both:
// there, only markers work.
func dedupeMode(v string, cluster bool) (DedupeMode, error) {
	switch mode := DedupeMode(v); {
	case mode == "" && cluster:
		return DedupeMarker, nil
	case mode == "":
		return DedupeAck, nil
	case mode == DedupeAck && cluster:
		return "", errors.New("PAYMENT_DEDUPE=ack cannot work on a Redis Cluster: its script would touch two slots (CROSSSLOT); use marker")
	case mode == DedupeAck, mode == DedupeMarker:
		return mode, nil
	}
	return "", fmt.Errorf("PAYMENT_DEDUPE=%q: want %s or %s", v, DedupeAck, DedupeMarker)
}

// Each script is a file of its own, to read. Both start with the checks in
// checkfirst.lua. Script.Run sends EVALSHA, and the whole script only when
// Redis answers NOSCRIPT: after a restart, say.
var (
	//go:embed checkfirst.lua
	checkFirstLua string
	//go:embed payandack.lua
	payAndAckLua string
	//go:embed paymarked.lua
	payMarkedLua string

	payAndAckScript = redis.NewScript(checkFirstLua + payAndAckLua)
	payMarkedScript = redis.NewScript(checkFirstLua + payMarkedLua)
)

// The counter and the markers share payment-events' hash tag, and so its
// cluster slot, so that one script may touch all three.
const (
	paidMarkerPrefix = "{" + events.PaymentStream + "}:paid:"
	paymentIDCounter = "{" + events.PaymentStream + "}:payment-process-id"
)

// payer pays orders.
type payer struct {
	rdb     redis.UniversalClient
	log     *slog.Logger
	dedupe  DedupeMode
	out     *cli.Lines
	maxLen  int64
	paidTTL time.Duration
	delay   time.Duration

	paid        atomic.Int64
	alreadyPaid atomic.Int64
	// Batches payandack.lua acked with one XACK, and order by order. A drain
	// of a backlog should be almost all at once: its reads return at once. A
	// trickle is mostly order by order, since the time is taken before a read
	// waits in BLOCK; an ACL user without +time is all order by order.
	batchesAtOnce   atomic.Int64
	batchesOneByOne atomic.Int64
}

// order is a valid order event and its entry ID.
type order struct {
	entryID string
	readAt  time.Time // Message.ReadAt
	events.Order
}

// pay handles a batch of order events with one script call. With DedupeAck
// the script acks them too; with DedupeMarker the consumer acks afterwards.
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
		orders = append(orders, order{entryID: m.ID, readAt: m.ReadAt, Order: o})
	}
	if len(orders) == 0 {
		return result, nil
	}

	var ids []int64
	var err error
	switch p.dedupe {
	case DedupeAck:
		ids, err = p.payAndAck(ctx, orders)
	case DedupeMarker:
		ids, err = p.payOnceMarked(ctx, orders)
	default:
		err = fmt.Errorf("unknown dedupe mode %q", p.dedupe)
	}
	if err != nil {
		return result, err
	}

	// The batch's lines go out in one write: a write per line cost a drain
	// a fifth of the service's CPU (5.8 against 4.7 µs per order).
	lines := make([]string, len(ids))
	for i, id := range ids {
		if id != 0 {
			p.paid.Add(1)
			lines[i] = fmt.Sprintf("[Order consumed] Created payment: %d   orderId: %s", id, events.Printable(orders[i].OrderID))
		} else {
			p.alreadyPaid.Add(1)
			lines[i] = fmt.Sprintf("[Order consumed] Already paid   orderId: %s (not paid twice)", events.Printable(orders[i].OrderID))
		}
	}
	p.out.Print(strings.Join(lines, "\n"))
	return result, nil
}

// oursFor is how long after its read a batch of new orders is still this
// instance's alone (Message.ReadAt): half the least CLAIM_MIN_IDLE, a margin
// for Redis's clock. payandack.lua acks such a batch with one XACK.
const oursFor = consumer.MinClaimMinIdle / 2

// payAndAck runs payandack.lua on a batch of orders.
func (p *payer) payAndAck(ctx context.Context, orders []order) ([]int64, error) {
	keys := []string{events.PaymentStream, paymentIDCounter, events.OrderStream}
	args := orderArgs(orders, p.maxLen, events.PaymentGroup, batchReadAt(orders), oursFor.Microseconds())
	reply, err := payAndAckScript.Run(ctx, p.rdb, keys, args...).Int64Slice()
	if err != nil {
		return nil, err
	}
	ids, atOnce, paidAnyway, err := numberInTurn(reply, len(orders))
	if err != nil {
		return nil, err
	}
	if atOnce {
		p.batchesAtOnce.Add(1)
	} else {
		p.batchesOneByOne.Add(1)
	}
	if paidAnyway > 0 {
		p.log.Warn("orders of a batch still ours were no longer pending (acked by hand, or lost by Redis): paid anyway, once",
			"count", paidAnyway, "first", orders[0].entryID, "last", orders[len(orders)-1].entryID)
	}
	return ids, nil
}

// batchReadAt is when the batch was read, by Redis's clock, in µs; 0 when any
// order was redelivered or is tried again, for which payandack.lua checks
// each order on its own.
func batchReadAt(orders []order) int64 {
	first := orders[0].readAt
	for _, o := range orders {
		if o.readAt.IsZero() {
			return 0
		}
		if o.readAt.Before(first) {
			first = o.readAt
		}
	}
	return first.UnixMicro()
}

// numberInTurn reads payandack.lua's answer: the paymentProcessId before the
// batch's first, whether the batch was acked at once, how many orders were
// paid anyway, then the positions (from 1) of the orders paid before. The
// others got the next numbers in turn.
func numberInTurn(reply []int64, orders int) (ids []int64, atOnce bool, paidAnyway int64, err error) {
	if len(reply) < 3 || len(reply)-3 > orders {
		return nil, false, 0, fmt.Errorf("payment script: %d numbers for %d orders", len(reply), orders)
	}
	ids = make([]int64, orders)
	id, skipped := reply[0], reply[3:]
	for i := range ids {
		if len(skipped) > 0 && skipped[0] == int64(i+1) {
			skipped = skipped[1:]
			continue
		}
		id++
		ids[i] = id
	}
	if len(skipped) > 0 {
		return nil, false, 0, fmt.Errorf("payment script: positions %v out of order or beyond %d orders", skipped, orders)
	}
	return ids, reply[1] == 1, reply[2], nil
}

// payOnceMarked runs paymarked.lua on a batch of orders. It answers each
// order's paymentProcessId, or 0 for an order paid before.
func (p *payer) payOnceMarked(ctx context.Context, orders []order) ([]int64, error) {
	keys := []string{events.PaymentStream, paymentIDCounter}
	for _, o := range orders {
		keys = append(keys, paidMarkerPrefix+o.OrderID)
	}
	args := orderArgs(orders, p.maxLen, int64(p.paidTTL/time.Second))
	ids, err := payMarkedScript.Run(ctx, p.rdb, keys, args...).Int64Slice()
	if err != nil {
		return nil, err
	}
	if len(ids) != len(orders) {
		return nil, fmt.Errorf("payment script: %d results for %d orders", len(ids), len(orders))
	}
	return ids, nil
}

// orderArgs is the ARGV both scripts take: MAXLEN, the script's own
// arguments, then five per order.
func orderArgs(orders []order, maxLen int64, own ...any) []any {
	args := make([]any, 0, 1+len(own)+5*len(orders))
	args = append(args, maxLen)
	args = append(args, own...)
	for _, o := range orders {
		args = append(args, o.entryID, o.UserID, o.ProductID, o.Price, o.OrderID)
	}
	return args
}

const batchesHelp = "Batches paid with PAYMENT_DEDUPE=ack, by how their order events were acked: " +
	"at_once (one XACK: a batch read less than 0.5s before, ours alone) or order_by_order (the fence)."

// collectors are the payment counters for /metrics.
func (p *payer) collectors() []prometheus.Collector {
	batches := func(ack string, n *atomic.Int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "payment_batches_total", Help: batchesHelp, ConstLabels: prometheus.Labels{"ack": ack},
		}, func() float64 { return float64(n.Load()) })
	}
	return []prometheus.Collector{
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "payments_created_total",
			Help: "Orders paid by this instance: payment events published.",
		}, func() float64 { return float64(p.paid.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "payments_already_paid_total",
			Help: "Orders delivered again after they were paid, and not paid twice.",
		}, func() float64 { return float64(p.alreadyPaid.Load()) }),
		batches("at_once", &p.batchesAtOnce),
		batches("order_by_order", &p.batchesOneByOne),
	}
}

// stats adds the payment counters to /stats.
func (p *payer) stats() any {
	return map[string]int64{"paymentsCreated": p.paid.Load(), "alreadyPaid": p.alreadyPaid.Load()}
}
