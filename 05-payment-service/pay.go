package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/scripts/consumer"
	"github.com/streams-workshop/scripts/events"
)

// An order event can be delivered more than once: after a crash before the
// ack, or when another instance claims it from a slow one that then wakes up
// and finishes. Each script below makes paying idempotent, so that no order is
// ever paid twice. Both return {1, paymentProcessId} when they paid, and
// {0, paymentProcessId or false} when the order had been paid already.
//
// The paymentProcessId comes from INCR on a counter in Redis: unlike the
// tutorial's in-memory counter, it does not restart at 0 and is shared by
// every instance.

// payAndAck acks the order event and publishes the payment in one atomic
// step. XACK returns 0 when the entry is no longer pending, because another
// instance paid it (or dead-lettered it): then it does nothing. It costs no
// memory and leaves no window between paying and acking.
//
//	KEYS  order-events, payment-events, the id counter
//	ARGV  group, entry ID, MAXLEN, userId, productId, price, orderId
var payAndAck = redis.NewScript(`
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then
  return {0, false}
end
local id = tostring(redis.call('INCR', KEYS[3]))
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*',
  'userId', ARGV[4], 'productId', ARGV[5], 'price', ARGV[6],
  'paymentProcessId', id, 'orderId', ARGV[7])
return {1, id}
`)

// payOnceMarked is for a Redis Cluster, where a script's keys must share one
// slot and order-events and payment-events do not. It marks the order paid
// (SET with a TTL) and publishes the payment in one step, on keys that share
// the hash tag {payment-events}. The consumer acks afterwards; a redelivered
// order finds the marker. The cost: one small key per order for PAID_TTL.
//
//	KEYS  the paid marker, payment-events, the id counter
//	ARGV  marker TTL (s), MAXLEN, userId, productId, price, orderId
var payOnceMarked = redis.NewScript(`
local paid = redis.call('GET', KEYS[1])
if paid then
  return {0, paid}
end
local id = tostring(redis.call('INCR', KEYS[3]))
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*',
  'userId', ARGV[3], 'productId', ARGV[4], 'price', ARGV[5],
  'paymentProcessId', id, 'orderId', ARGV[6])
redis.call('SET', KEYS[1], id, 'EX', ARGV[1])
return {1, id}
`)

const (
	paidMarkerPrefix = "{" + events.PaymentStream + "}:paid:"
	paymentIDCounter = "{" + events.PaymentStream + "}:payment-process-id"
)

// payer pays orders.
type payer struct {
	rdb     redis.UniversalClient
	script  *redis.Script // payAndAck, or payOnceMarked on a cluster
	stdout  io.Writer
	maxLen  int64
	paidTTL time.Duration
	delay   time.Duration

	paid        atomic.Int64
	alreadyPaid atomic.Int64
}

// order is a valid order event and its entry ID.
type order struct {
	entryID string
	events.Order
}

// pay handles a batch of order events: one pipelined round trip runs the
// script for every valid order. The consumer acks the batch afterwards (with
// payAndAck, that second ack finds nothing left to do).
func (p *payer) pay(ctx context.Context, batch []consumer.Message) (map[string]string, error) {
	if p.delay > 0 {
		select { // a slow payment provider, for the takeover experiment
		case <-time.After(p.delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	rejected := map[string]string{}
	var orders []order
	for _, m := range batch {
		o, err := events.ParseOrder(m.ID, m.Values)
		if err != nil {
			rejected[m.ID] = "invalid order: " + err.Error()
			continue
		}
		orders = append(orders, order{m.ID, o})
	}

	results, err := p.runScripts(ctx, orders)
	if err != nil && strings.HasPrefix(err.Error(), "NOSCRIPT") {
		// Redis restarted and forgot the script: load it and try once more.
		// Running the batch again is safe, because the script is idempotent.
		if err = p.script.Load(ctx, p.rdb).Err(); err == nil {
			results, err = p.runScripts(ctx, orders)
		}
	}
	if err != nil {
		return nil, err
	}

	for i, cmd := range results {
		reply, _ := cmd.Slice()
		if len(reply) != 2 {
			return nil, fmt.Errorf("payment script: unexpected reply %v", reply)
		}
		if reply[0] == int64(1) {
			p.paid.Add(1)
			fmt.Fprintf(p.stdout, "[Order consumed] Created payment: %v   orderId: %s\n", reply[1], orders[i].OrderID)
		} else {
			p.alreadyPaid.Add(1)
			fmt.Fprintf(p.stdout, "[Order consumed] Already paid   orderId: %s (not paid twice)\n", orders[i].OrderID)
		}
	}
	return rejected, nil
}

// runScripts sends one EVALSHA per order in a single pipeline.
func (p *payer) runScripts(ctx context.Context, orders []order) ([]*redis.Cmd, error) {
	if len(orders) == 0 {
		return nil, nil
	}
	maxLen := strconv.FormatInt(p.maxLen, 10)
	ttl := strconv.FormatInt(int64(p.paidTTL/time.Second), 10)
	cmds := make([]*redis.Cmd, len(orders))
	_, err := p.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		for i, o := range orders {
			if p.script == payOnceMarked {
				keys := []string{paidMarkerPrefix + o.OrderID, events.PaymentStream, paymentIDCounter}
				cmds[i] = p.script.EvalSha(ctx, pipe, keys, ttl, maxLen, o.UserID, o.ProductID, o.Price, o.OrderID)
				continue
			}
			keys := []string{events.OrderStream, events.PaymentStream, paymentIDCounter}
			cmds[i] = p.script.EvalSha(ctx, pipe, keys, events.PaymentGroup, o.entryID, maxLen, o.UserID, o.ProductID, o.Price, o.OrderID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, cmd := range cmds {
		if err := cmd.Err(); err != nil && !errors.Is(err, redis.Nil) {
			return nil, err
		}
	}
	return cmds, nil
}

// stats adds the payment counters to /stats.
func (p *payer) stats() any {
	return map[string]int64{"paymentsCreated": p.paid.Load(), "alreadyPaid": p.alreadyPaid.Load()}
}
