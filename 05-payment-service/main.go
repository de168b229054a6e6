// Payment service: reads order-events as a member of payment-service-group,
// pays each order exactly once, and publishes payment-events.
//
// It does what the tutorial's OrderEventStreamListener does, and fixes two
// things. An order event is acked only after its payment is published, and a
// record of each paid order keeps a redelivered one from being paid twice
// (pay.go): a crash neither loses an order (the Spring version auto-acks on
// read) nor pays it twice. And the paymentProcessId comes from Redis (INCR),
// so it neither restarts at 0 nor collides between instances.
package main

import (
	"context"
	_ "embed"
	"fmt"
	"io"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/consumer"
	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/metrics"
	"github.com/streams-workshop/kit/redisconn"
	"github.com/streams-workshop/kit/tracing"
)

const (
	// defaultPort is the Spring PaymentService's port.
	defaultPort = "8081"
	// defaultMaxLen bounds payment-events (XADD MAXLEN ~).
	defaultMaxLen = 1_000_000
	// gcPercent is the garbage collector's target (GOGC): 400 collects far
	// less often in a drain, for a few MB more (docs/performance.md).
	gcPercent = 400
	// defaultInFlight is how many batches are paid at once. With one, Redis
	// waits for the service between a batch's script and the next; with two,
	// the next script is on its way (docs/performance.md).
	defaultInFlight = 2
	// maxInFlight bounds it: each batch in flight holds its entries in memory.
	maxInFlight = 8
	// maxDelay keeps a pretended slow payment well within the time a batch
	// may take (consumer.BatchTimeout), after which it is retried.
	maxDelay = consumer.BatchTimeout / 2
)

func main() { cli.Main("payment-service", run) }

// help is what -h prints, in English and in Korean (-lang ko or a Korean
// LANG): help.en.txt and help.ko.txt, filled in with the same values.
func help() (english, korean string) {
	envEN, envKO := consumer.EnvHelp(defaultPort)
	values := map[string]any{
		"In": events.OrderStream, "Group": events.PaymentGroup, "Pay": events.PaymentStream,
		"DeadLetters": events.DeadLetterStream(events.OrderStream, events.PaymentGroup),
		"MaxLen":      defaultMaxLen, "Delay": cli.FormatDuration(maxDelay),
		"MaxInFlight": maxInFlight, "InFlight": defaultInFlight, "GOGC": gcPercent,
	}
	values["Env"] = envEN
	english = cli.RenderHelp(helpEN, values)
	values["Env"] = envKO
	korean = cli.RenderHelp(helpKO, values)
	return english, korean
}

var (
	//go:embed help.en.txt
	helpEN string
	//go:embed help.ko.txt
	helpKO string
)

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	english, korean := help()
	flags := cli.FlagsInTwoLanguages("payment-service", "go run ./05-payment-service [-lang ko]", english, korean, stderr)
	if err := cli.ParseService(flags, args, stdout); err != nil {
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
	p := &payer{out: cli.EventLines(stdout, "payment-service", getenv)}
	if p.maxLen, err = cli.PositiveInt(getenv, "PAYMENT_STREAM_MAXLEN", defaultMaxLen); err != nil {
		return err
	}
	if p.delay, err = cli.Duration(getenv, "PAYMENT_DELAY", 0, 0, maxDelay); err != nil {
		return err
	}
	inFlight, err := batchesInFlight(getenv)
	if err != nil {
		return err
	}

	// Redis is waited for once the probes are served (start, below): under an
	// orchestrator the service may start before its Redis.
	rdb, target, err := redisconn.Client(getenv)
	if err != nil {
		return err
	}
	defer redisconn.Close(rdb)
	stopTracing, err := tracing.Start(getenv, "payment-service", stderr, log, rdb) // off unless OTEL_* variables ask
	if err != nil {
		return err
	}
	defer stopTracing() // flushes the last spans
	p.rdb, p.log = rdb, log
	log.Info("starting", "redis", target.String(), "consumer", settings.Consumer,
		"claimMinIdle", settings.ClaimMinIdle, "maxDeliveries", settings.MaxDeliveries)

	cfg := settings.Config(events.OrderStream, events.PaymentGroup, p.pay, log)
	cfg.HandlerAcks = true // pay acks what it pays: in its script, or after it on a cluster
	// The paid records live as long as their order events: reading the whole
	// stream again after a lost group pays only the orders never paid.
	cfg.ReplayLostGroup = true
	cfg.InFlight = inFlight
	cfg.Writes = []string{events.PaymentStream}
	orders, err := consumer.New(rdb, cfg)
	if err != nil {
		return err
	}
	reg := metrics.NewRegistry(rdb)
	reg.MustRegister(p.collectors()...)
	start := p.waitThen(consumer.WaitForRedis(rdb, target, getenv, log, reg, "the records of paid orders: an order could be paid twice"))
	return consumer.Serve(ctx, rdb, settings, log, reg, p.stats, start, orders)
}

// batchesInFlight reads BATCHES_IN_FLIGHT, from 1 to maxInFlight.
func batchesInFlight(getenv func(string) string) (int64, error) {
	n, err := cli.PositiveInt(getenv, "BATCHES_IN_FLIGHT", defaultInFlight)
	if err == nil && n > maxInFlight {
		err = fmt.Errorf("BATCHES_IN_FLIGHT=%q: want at most %d", getenv("BATCHES_IN_FLIGHT"), maxInFlight)
	}
	return n, err
}
