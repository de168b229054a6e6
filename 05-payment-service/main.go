// Payment service: reads order-events as a member of payment-service-group,
// pays each order exactly once, and publishes payment-events.
//
// It does what the tutorial's OrderEventStreamListener does, and fixes two
// things: events are acked only after the payment is recorded (the Spring
// version auto-acks, so a crash loses the event in flight), and the
// paymentProcessId comes from Redis (INCR), so it does not restart at 0 nor
// collide between instances.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/scripts/cli"
	"github.com/streams-workshop/scripts/consumer"
	"github.com/streams-workshop/scripts/events"
	"github.com/streams-workshop/scripts/redisconn"
)

// payOnce records a payment and publishes its event in one atomic step, or
// does nothing when the order was paid before. A redelivered order (after a
// crash before the ack, or claimed from a slow instance that then wakes up)
// finds the marker and is not paid twice.
//
// All its keys share the hash tag of payment-events, so that on a Redis
// Cluster they live in one slot, as a script requires. The order-events ack
// lives in another slot, so it follows the script instead of joining it.
//
//	KEYS[1] the paid marker     {payment-events}:paid:<orderId>
//	KEYS[2] the payment stream  payment-events
//	KEYS[3] the id counter      {payment-events}:payment-process-id
//	ARGV    marker TTL (s), MAXLEN, userId, productId, price, orderId
//	returns {1, id} when it paid, {0, id} when the order was already paid
var payOnce = redis.NewScript(`
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

func main() { cli.Main("payment-service", run) }

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := cli.Flags("payment-service", "go run ./05-payment-service",
		"Reads "+events.OrderStream+" as group "+events.PaymentGroup+", pays each order once,\n"+
			"and publishes "+events.PaymentStream+". Invalid orders go to "+
			events.DeadLetterStream(events.OrderStream, events.PaymentGroup)+".\n\n"+
			"Environment:\n"+consumer.EnvHelp+"\n"+
			"  PAYMENT_STREAM_MAXLEN  trim bound of payment-events (XADD MAXLEN ~, default 1000000)\n"+
			"  PAID_TTL        how long an order is remembered as paid, a Go duration (default 168h)\n"+
			"  PAYMENT_DELAY   pretend the payment provider is slow: wait this long before\n"+
			"                  paying each batch (default 0; for experiments)", stderr)
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	settings, err := consumer.SettingsFromEnv(getenv, "8081")
	if err != nil {
		return err
	}
	p := &payer{stdout: stdout, maxLen: 1_000_000, paidTTL: 7 * 24 * time.Hour}
	if v := getenv("PAYMENT_STREAM_MAXLEN"); v != "" {
		if p.maxLen, err = strconv.ParseInt(v, 10, 64); err != nil || p.maxLen <= 0 {
			return fmt.Errorf("PAYMENT_STREAM_MAXLEN=%q: want a positive number", v)
		}
	}
	if v := getenv("PAYMENT_DELAY"); v != "" {
		if p.delay, err = time.ParseDuration(v); err != nil || p.delay < 0 {
			return fmt.Errorf("PAYMENT_DELAY=%q: want a Go duration such as 2s", v)
		}
	}
	if v := getenv("PAID_TTL"); v != "" {
		if p.paidTTL, err = time.ParseDuration(v); err != nil || p.paidTTL < time.Second {
			return fmt.Errorf("PAID_TTL=%q: want a Go duration of at least 1s, such as 168h", v)
		}
	}

	log := slog.New(slog.NewTextHandler(stderr, nil)).With("service", "payment-service")
	rdb, target, err := redisconn.Connect(ctx, getenv)
	if err != nil {
		return err
	}
	defer rdb.Close()
	p.rdb = rdb
	log.Info("starting", "redis", target.String(), "consumer", settings.Consumer,
		"claimMinIdle", settings.ClaimMinIdle, "maxDeliveries", settings.MaxDeliveries)

	orders, err := consumer.New(rdb, settings.Config(events.OrderStream, events.PaymentGroup, p.pay, log))
	if err != nil {
		return err
	}
	return consumer.Serve(ctx, rdb, settings, log, p.stats, orders)
}

// payer pays orders.
type payer struct {
	rdb     redis.UniversalClient
	stdout  io.Writer
	maxLen  int64
	paidTTL time.Duration
	delay   time.Duration

	paid        atomic.Int64
	alreadyPaid atomic.Int64
}

// pay handles a batch of order events: one pipelined round trip runs the
// script for every valid order. The consumer acks the batch afterwards.
func (p *payer) pay(ctx context.Context, batch []consumer.Message) (map[string]string, error) {
	if p.delay > 0 {
		select { // a slow payment provider, for the takeover experiment
		case <-time.After(p.delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	rejected := map[string]string{}
	var orders []events.Order
	for _, m := range batch {
		order, err := events.ParseOrder(m.ID, m.Values)
		if err != nil {
			rejected[m.ID] = "invalid order: " + err.Error()
			continue
		}
		orders = append(orders, order)
	}

	results, err := p.runScripts(ctx, orders)
	if err != nil && strings.HasPrefix(err.Error(), "NOSCRIPT") {
		// Redis restarted and forgot the script: load it and try once more.
		// Running the batch again is safe, because the script is idempotent.
		if err = payOnce.Load(ctx, p.rdb).Err(); err == nil {
			results, err = p.runScripts(ctx, orders)
		}
	}
	if err != nil {
		return nil, err
	}

	for i, cmd := range results {
		reply, _ := cmd.Slice()
		if len(reply) != 2 {
			return nil, fmt.Errorf("payOnce: unexpected reply %v", reply)
		}
		created, id := reply[0] == int64(1), fmt.Sprint(reply[1])
		if created {
			p.paid.Add(1)
			fmt.Fprintf(p.stdout, "[Order consumed] Created payment: %s   orderId: %s\n", id, orders[i].OrderID)
		} else {
			p.alreadyPaid.Add(1)
			fmt.Fprintf(p.stdout, "[Order consumed] Already paid: %s   orderId: %s (not paid twice)\n", id, orders[i].OrderID)
		}
	}
	return rejected, nil
}

// runScripts sends one EVALSHA per order in a single pipeline.
func (p *payer) runScripts(ctx context.Context, orders []events.Order) ([]*redis.Cmd, error) {
	if len(orders) == 0 {
		return nil, nil
	}
	ttl := strconv.FormatInt(int64(p.paidTTL/time.Second), 10)
	maxLen := strconv.FormatInt(p.maxLen, 10)
	cmds := make([]*redis.Cmd, len(orders))
	_, err := p.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		for i, o := range orders {
			keys := []string{paidMarkerPrefix + o.OrderID, events.PaymentStream, paymentIDCounter}
			cmds[i] = payOnce.EvalSha(ctx, pipe, keys, ttl, maxLen, o.UserID, o.ProductID, o.Price, o.OrderID)
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
