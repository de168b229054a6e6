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
	"time"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/consumer"
	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/metrics"
	"github.com/streams-workshop/kit/redisconn"
)

const (
	// defaultPort is the Spring PaymentService's port.
	defaultPort = "8081"
	// defaultMaxLen bounds payment-events (XADD MAXLEN ~).
	defaultMaxLen = 1_000_000
	// defaultPaidTTL is how long a marker remembers a paid order: far longer
	// than any redelivery takes.
	defaultPaidTTL = 7 * 24 * time.Hour
	// gcPercent is the garbage collector's target (GOGC). With Go's 100, a
	// drain spent a quarter of the service's CPU collecting garbage; 400 cut
	// its CPU per order by 31% (3.75 to 2.60 µs, and the drain went 20%
	// faster), for a peak of 32 MB resident instead of 19 (docs/performance.md).
	gcPercent = 400
	// defaultInFlight is how many batches are paid at once. With one, Redis
	// waits for the service between a batch's script and the next; with two,
	// the next script is on its way (consumer.Config.InFlight): the drain went
	// 17% faster (medians of six alternating bench runs, docs/performance.md).
	defaultInFlight = 2
	// maxInFlight bounds it: each batch in flight holds its entries in memory.
	maxInFlight = 8
	// maxDelay keeps a pretended slow payment well within the time a batch
	// may take (consumer.BatchTimeout), after which it is retried.
	maxDelay = consumer.BatchTimeout / 2
)

func main() { cli.Main("payment-service", run) }

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := cli.Flags("payment-service", "go run ./05-payment-service",
		"Reads "+events.OrderStream+" as group "+events.PaymentGroup+", pays each order once,\n"+
			"and publishes "+events.PaymentStream+". Invalid orders go to "+
			events.DeadLetterStream(events.OrderStream, events.PaymentGroup)+".\n\n"+
			"Environment:\n"+consumer.EnvHelp(defaultPort)+"\n"+
			"  PAYMENT_STREAM_MAXLEN  trim bound of payment-events (XTRIM MAXLEN ~ after each batch,\n"+
			fmt.Sprintf("                        default %d)\n", defaultMaxLen)+
			"  PAYMENT_DEDUPE  how an order is kept from being paid twice: ack (ack and pay in\n"+
			"                  one script; the default) or marker (remember paid orders for\n"+
			"                  PAID_TTL; the default, and the only choice, on a Redis Cluster)\n"+
			"  PAID_TTL        how long a marker remembers a paid order, a Go duration (default "+cli.FormatDuration(defaultPaidTTL)+")\n"+
			"  PAYMENT_DELAY   pretend the payment provider is slow: wait this long before\n"+
			"                  paying each batch, 0 to "+cli.FormatDuration(maxDelay)+" (default 0; for experiments)\n"+
			fmt.Sprintf("  BATCHES_IN_FLIGHT  batches paid at once, 1 to %d (default %d)\n", maxInFlight, defaultInFlight)+
			fmt.Sprintf("  GOGC            the Go garbage collector's target, in percent (default %d here)", gcPercent), stderr)
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	log, err := cli.Logger(stderr, "payment-service", getenv)
	if err != nil {
		return err
	}
	cli.GCPercent(getenv, gcPercent)
	settings, err := consumer.SettingsFromEnv(getenv, defaultPort)
	if err != nil {
		return err
	}
	p := &payer{out: cli.NewLines(stdout)}
	if p.maxLen, err = cli.PositiveInt(getenv, "PAYMENT_STREAM_MAXLEN", defaultMaxLen); err != nil {
		return err
	}
	if p.delay, err = cli.Duration(getenv, "PAYMENT_DELAY", 0, 0, maxDelay); err != nil {
		return err
	}
	inFlight, err := cli.PositiveInt(getenv, "BATCHES_IN_FLIGHT", defaultInFlight)
	if err != nil {
		return err
	}
	if inFlight > maxInFlight {
		return fmt.Errorf("BATCHES_IN_FLIGHT=%q: want at most %d", getenv("BATCHES_IN_FLIGHT"), maxInFlight)
	}
	if p.paidTTL, err = cli.Duration(getenv, "PAID_TTL", defaultPaidTTL, time.Second, 0); err != nil {
		return err
	}

	rdb, target, err := redisconn.Connect(ctx, getenv, redisconn.Redis70)
	if err != nil {
		return err
	}
	defer rdb.Close()
	p.rdb, p.log = rdb, log
	if p.dedupe, err = dedupeMode(getenv("PAYMENT_DEDUPE"), target.Cluster()); err != nil {
		return err
	}
	log.Info("starting", "redis", target.String(), "consumer", settings.Consumer,
		"claimMinIdle", settings.ClaimMinIdle, "maxDeliveries", settings.MaxDeliveries)

	cfg := settings.Config(events.OrderStream, events.PaymentGroup, p.pay, log)
	cfg.HandlerAcks = p.dedupe == DedupeAck
	cfg.InFlight = inFlight
	orders, err := consumer.New(rdb, cfg)
	if err != nil {
		return err
	}
	reg := metrics.NewRegistry(rdb)
	reg.MustRegister(p.collectors()...)
	return consumer.Serve(ctx, rdb, settings, log, reg, p.stats, orders)
}
