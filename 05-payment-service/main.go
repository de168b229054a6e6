// Payment service: reads order-events as a member of payment-service-group,
// pays each order exactly once, and publishes payment-events.
//
// It does what the tutorial's OrderEventStreamListener does, and fixes two
// things. An order event is acked in the same atomic step that publishes its
// payment (pay.go), so a crash neither loses it (the Spring version auto-acks
// on read) nor pays it twice. And the paymentProcessId comes from Redis
// (INCR), so it neither restarts at 0 nor collides between instances.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/consumer"
	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/redisconn"
)

func main() { cli.Main("payment-service", run) }

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := cli.Flags("payment-service", "go run ./05-payment-service",
		"Reads "+events.OrderStream+" as group "+events.PaymentGroup+", pays each order once,\n"+
			"and publishes "+events.PaymentStream+". Invalid orders go to "+
			events.DeadLetterStream(events.OrderStream, events.PaymentGroup)+".\n\n"+
			"Environment:\n"+consumer.EnvHelp("8081")+"\n"+
			"  PAYMENT_STREAM_MAXLEN  trim bound of payment-events (XADD MAXLEN ~, default 1000000)\n"+
			"  PAYMENT_DEDUPE  how an order is kept from being paid twice: ack (ack and pay in\n"+
			"                  one script; the default) or marker (remember paid orders for\n"+
			"                  PAID_TTL; the default, and the only choice, on a Redis Cluster)\n"+
			"  PAID_TTL        how long a marker remembers a paid order, a Go duration (default 168h)\n"+
			"  PAYMENT_DELAY   pretend the payment provider is slow: wait this long before\n"+
			"                  paying each batch, 0 to 15s (default 0; for experiments)", stderr)
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
		// A batch must finish within consumer.BatchTimeout, or it is retried.
		if p.delay, err = time.ParseDuration(v); err != nil || p.delay < 0 || p.delay > consumer.BatchTimeout/2 {
			return fmt.Errorf("PAYMENT_DELAY=%q: want a Go duration from 0 to %s, such as 2s", v, consumer.BatchTimeout/2)
		}
	}
	if v := getenv("PAID_TTL"); v != "" {
		if p.paidTTL, err = time.ParseDuration(v); err != nil || p.paidTTL < time.Second {
			return fmt.Errorf("PAID_TTL=%q: want a Go duration of at least 1s, such as 168h", v)
		}
	}

	log := slog.New(slog.NewTextHandler(stderr, nil)).With("service", "payment-service")
	rdb, target, err := redisconn.Connect(ctx, getenv, redisconn.Redis70)
	if err != nil {
		return err
	}
	defer rdb.Close()
	p.rdb = rdb
	if p.dedupe, err = dedupeMode(getenv("PAYMENT_DEDUPE"), target.Cluster()); err != nil {
		return err
	}
	log.Info("starting", "redis", target.String(), "consumer", settings.Consumer,
		"claimMinIdle", settings.ClaimMinIdle, "maxDeliveries", settings.MaxDeliveries)

	cfg := settings.Config(events.OrderStream, events.PaymentGroup, p.pay, log)
	cfg.HandlerAcks = p.dedupe == DedupeAck
	orders, err := consumer.New(rdb, cfg)
	if err != nil {
		return err
	}
	return consumer.Serve(ctx, rdb, settings, log, p.stats, orders)
}
