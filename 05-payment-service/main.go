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

// help is what -h prints, in English and in Korean (-lang ko or a Korean
// LANG), each value worked out once for both.
func help() (english, korean string) {
	envEN, envKO := consumer.EnvHelp(defaultPort)
	in, pay, dlq := events.OrderStream, events.PaymentStream, events.DeadLetterStream(events.OrderStream, events.PaymentGroup)
	paidTTL, delay := cli.FormatDuration(defaultPaidTTL), cli.FormatDuration(maxDelay)
	english = fmt.Sprintf(`Reads %s as group %s, pays each order once,
and publishes %s. Invalid orders go to %s.
This help is in Korean with -lang ko or a Korean LANG; the logs are in English.

Environment:
%s
  PAYMENT_STREAM_MAXLEN  trim bound of %s (XTRIM MAXLEN ~ after each batch,
                        default %d)
  PAYMENT_DEDUPE  how an order is kept from being paid twice: ack (ack and pay in
                  one script; the default) or marker (remember paid orders for
                  PAID_TTL; the default, and the only choice, on a Redis Cluster)
  PAID_TTL        how long a marker remembers a paid order, a Go duration (default %s)
  PAYMENT_DELAY   pretend the payment provider is slow: wait this long before
                  paying each batch, 0 to %s (default 0; for experiments)
  BATCHES_IN_FLIGHT  batches paid at once, 1 to %d (default %d)
  GOGC            the Go garbage collector's target, in percent (default %d here)`,
		in, events.PaymentGroup, pay, dlq, envEN, pay, defaultMaxLen, paidTTL, delay, maxInFlight, defaultInFlight, gcPercent)
	korean = fmt.Sprintf(`%s를 그룹 %s으로 읽어 주문마다 한 번씩 결제하고,
%s에 발행한다. 잘못된 주문은 %s으로 간다.
이 도움말은 -lang en이면 영어로 나온다. 로그는 늘 영어다.

환경 변수:
%s
  PAYMENT_STREAM_MAXLEN  %s의 trim 상한(배치마다 그 뒤에 XTRIM MAXLEN ~,
                        기본값 %d)
  PAYMENT_DEDUPE  주문을 두 번 결제하지 않는 방법: ack(스크립트 하나로 결제하고
                  ack한다. 기본값) 또는 marker(결제한 주문을 PAID_TTL 동안 기억한다.
                  Redis Cluster에서는 이것이 기본값이자 유일한 선택이다)
  PAID_TTL        결제됨 표시(marker)가 결제한 주문을 기억하는 기간, Go duration
                  (기본값 %s)
  PAYMENT_DELAY   느린 결제 대행사 흉내: 배치마다 결제하기 전에 이만큼 기다린다.
                  0에서 %s까지(기본값 0. 실험용)
  BATCHES_IN_FLIGHT  한 번에 결제하는 배치 수, 1에서 %d까지(기본값 %d)
  GOGC            Go 가비지 컬렉터의 목표, 퍼센트 단위(이 서비스의 기본값 %d)`,
		in, events.PaymentGroup, pay, dlq, envKO, pay, defaultMaxLen, paidTTL, delay, maxInFlight, defaultInFlight, gcPercent)
	return english, korean
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	english, korean := help()
	flags := cli.FlagsInTwoLanguages("payment-service", "go run ./05-payment-service [-lang ko]", english, korean, stderr)
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
