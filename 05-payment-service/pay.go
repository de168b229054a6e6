package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/consumer"
	"github.com/streams-workshop/kit/events"
)

// An order event can be delivered more than once: after a crash before the
// ack, or when another instance claims it from a slow one that then wakes up
// and finishes. Each script below makes paying idempotent, so that no order is
// ever paid twice. Each pays a whole batch in one call, because a call costs
// far more than the work in it; each returns, for every order in turn, its new
// paymentProcessId, or 0 when the order had been paid already.
//
// The paymentProcessId comes from INCR on a counter in Redis: unlike the
// tutorial's in-memory counter, it does not restart at 0 and is shared by
// every instance.

// checkFirst starts both scripts. Redis does not roll back a script that
// fails halfway: the writes made before the error stay. So each script first
// checks what could make a later write fail (a key of the wrong type, a
// command the ACL user may not run), and fails before writing anything.
// Otherwise an order could be acked, or marked paid, and never paid.
//
//	KEYS[PAY] payment-events, KEYS[IDS] the id counter
const checkFirst = `
local function typeOf(key)
  local t = redis.call('TYPE', key)
  if type(t) == 'table' then return t.ok end
  return t
end
local streamType = typeOf(KEYS[PAY])
if streamType ~= 'stream' and streamType ~= 'none' then
  return redis.error_reply('WRONGTYPE ' .. KEYS[PAY] .. ' holds a ' .. streamType .. ', not a stream')
end
local counter = redis.call('GET', KEYS[IDS])
if counter and not string.match(counter, '^%-?%d+$') then
  return redis.error_reply('ERR ' .. KEYS[IDS] .. ' does not hold a number')
end
local function mayRun(...)
  if redis.acl_check_cmd and not redis.acl_check_cmd(...) then
    return false
  end
  return true
end
`

// payAndAck acks each order event and publishes its payment in one atomic
// step. XACK returns 0 for an entry that is no longer pending, because
// another instance paid it (or dead-lettered it): that order is skipped.
// This costs no memory and leaves no window between paying and acking.
//
// Redis runs a script call by call, and a call costs about as much as the
// work in it, so the script numbers the whole batch with one INCRBY.
//
//	KEYS  order-events, payment-events, the id counter
//	ARGV  group, MAXLEN, then for each order: entry ID, userId, productId, price, orderId
var payAndAck = redis.NewScript(`
local PAY, IDS = 2, 3` + checkFirst + `
-- XACK answers 0, not an error, when the group is gone (a Redis restart
-- without persistence): every order would look paid. XPENDING raises NOGROUP,
-- and the consumer then creates the group again and retries the batch.
redis.call('XPENDING', KEYS[1], ARGV[1])
if not (mayRun('XACK', KEYS[1], ARGV[1], '0-1') and mayRun('INCRBY', KEYS[IDS], '1') and
        mayRun('XADD', KEYS[PAY], '*', 'f', 'v')) then
  return redis.error_reply('NOPERM this user may not run XACK, INCRBY and XADD on these keys')
end

local acked, count = {}, 0
for i = 3, #ARGV, 5 do
  if redis.call('XACK', KEYS[1], ARGV[1], ARGV[i]) == 1 then
    acked[i], count = true, count + 1
  end
end
local last = 0
if count > 0 then
  last = redis.call('INCRBY', KEYS[IDS], count) - count
end
local ids = {}
for i = 3, #ARGV, 5 do
  local id = 0
  if acked[i] then
    last = last + 1
    id = last
    redis.call('XADD', KEYS[PAY], 'MAXLEN', '~', ARGV[2], '*',
      'userId', ARGV[i + 1], 'productId', ARGV[i + 2], 'price', ARGV[i + 3],
      'paymentProcessId', string.format('%d', id), 'orderId', ARGV[i + 4])
  end
  ids[#ids + 1] = id
end
return ids
`)

// payOnceMarked is for a Redis Cluster, where a script's keys must share one
// slot and order-events and payment-events do not. It publishes each payment
// and then marks the order paid (SET with a TTL), on keys that share the hash
// tag {payment-events}. The consumer acks afterwards; a redelivered order
// finds the marker. The cost: one small key per order for PAID_TTL.
//
//	KEYS  payment-events, the id counter, then each order's paid marker
//	ARGV  marker TTL (s), MAXLEN, then for each order: userId, productId, price, orderId
var payOnceMarked = redis.NewScript(`
local PAY, IDS = 1, 2` + checkFirst + `
if #KEYS >= 3 and not (mayRun('INCR', KEYS[IDS]) and mayRun('XADD', KEYS[PAY], '*', 'f', 'v') and
                       mayRun('SET', KEYS[3], '1')) then
  return redis.error_reply('NOPERM this user may not run INCR, XADD and SET on these keys')
end

local ids = {}
for k = 3, #KEYS do
  local i = 3 + (k - 3) * 4
  local id = 0
  if redis.call('EXISTS', KEYS[k]) == 0 then
    id = redis.call('INCR', KEYS[IDS])
    redis.call('XADD', KEYS[PAY], 'MAXLEN', '~', ARGV[2], '*',
      'userId', ARGV[i], 'productId', ARGV[i + 1], 'price', ARGV[i + 2],
      'paymentProcessId', string.format('%d', id), 'orderId', ARGV[i + 3])
    redis.call('SET', KEYS[k], id, 'EX', ARGV[1])
  end
  ids[#ids + 1] = id
end
return ids
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

// pay handles a batch of order events with one script call. With payAndAck
// the script acks them too; with payOnceMarked the consumer acks afterwards.
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

	ids, err := p.runScript(ctx, orders)
	if err != nil && strings.HasPrefix(err.Error(), "NOSCRIPT") {
		// Redis restarted and forgot the script: load it and try once more.
		// Running the batch again is safe, because the script is idempotent.
		if err = p.script.Load(ctx, p.rdb).Err(); err == nil {
			ids, err = p.runScript(ctx, orders)
		}
	}
	if err != nil {
		return nil, err
	}

	for i, id := range ids {
		if id != 0 {
			p.paid.Add(1)
			fmt.Fprintf(p.stdout, "[Order consumed] Created payment: %d   orderId: %s\n", id, orders[i].OrderID)
		} else {
			p.alreadyPaid.Add(1)
			fmt.Fprintf(p.stdout, "[Order consumed] Already paid   orderId: %s (not paid twice)\n", orders[i].OrderID)
		}
	}
	return rejected, nil
}

// runScript pays a batch of orders with one EVALSHA, and returns each
// order's paymentProcessId, or 0 for an order paid before.
func (p *payer) runScript(ctx context.Context, orders []order) ([]int64, error) {
	if len(orders) == 0 {
		return nil, nil
	}
	maxLen := strconv.FormatInt(p.maxLen, 10)
	var keys []string
	var args []any
	if p.script == payOnceMarked {
		keys = []string{events.PaymentStream, paymentIDCounter}
		args = []any{int64(p.paidTTL / time.Second), maxLen}
		for _, o := range orders {
			keys = append(keys, paidMarkerPrefix+o.OrderID)
			args = append(args, o.UserID, o.ProductID, o.Price, o.OrderID)
		}
	} else {
		keys = []string{events.OrderStream, events.PaymentStream, paymentIDCounter}
		args = []any{events.PaymentGroup, maxLen}
		for _, o := range orders {
			args = append(args, o.entryID, o.UserID, o.ProductID, o.Price, o.OrderID)
		}
	}
	ids, err := p.script.EvalSha(ctx, p.rdb, keys, args...).Int64Slice()
	if err != nil {
		return nil, err
	}
	if len(ids) != len(orders) {
		return nil, fmt.Errorf("payment script: %d results for %d orders", len(ids), len(orders))
	}
	return ids, nil
}

// stats adds the payment counters to /stats.
func (p *payer) stats() any {
	return map[string]int64{"paymentsCreated": p.paid.Load(), "alreadyPaid": p.alreadyPaid.Load()}
}
