// Stage 04: the order service. It takes orders over HTTP and publishes each
// one to the stream order-events, where the payment and notification services
// read it.
//
// It rebuilds the tutorial's OrderController, in order.go: read that first.
// GET /order?userId=&productId=&price= answers "ok" as the Spring service does. Beside it, POST /orders takes JSON
// and answers with the new order's ID. What the original lacks, we add: every
// order is checked before it is published, gets an orderId, and the stream is
// trimmed (MAXLEN ~) so it cannot grow without bound. When Redis fails, the
// answer is honest and fast: 503 when the order is certainly not in the stream,
// 504 when it may be; and an Idempotency-Key makes a retry safe.
package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/httpserve"
	"github.com/streams-workshop/kit/metrics"
	"github.com/streams-workshop/kit/redisconn"
	"github.com/streams-workshop/kit/tracing"
)

const (
	// publishTimeout bounds one publish, queueing included: with Redis down
	// or frozen, a client gets its answer within about this long.
	publishTimeout = 2 * time.Second
	// defaultPort is the Spring OrderService's port.
	defaultPort = "8080"
	// defaultMaxLen bounds order-events: a million orders took 75.6 MB of
	// Redis memory in the bench (docs/performance.md). Raise it if a consumer
	// may stay down for longer than a million orders.
	defaultMaxLen = 1_000_000
	// minIdempotencyTTL is the least IDEMPOTENCY_KEY_TTL: a key must outlive
	// a client's quick retry.
	minIdempotencyTTL = time.Second
)

// help is what -h prints, in English and in Korean (-lang ko or a Korean
// LANG): help.en.txt and help.ko.txt, filled in with the same values.
func help() (english, korean string) {
	values := map[string]any{
		"Stream": events.OrderStream, "Redis": redisconn.DefaultAddr, "Port": defaultPort,
		"MaxLen": defaultMaxLen, "KeyLen": maxIdempotencyKeyLen,
		"TTL": cli.FormatDuration(defaultIdempotencyTTL), "MinTTL": cli.FormatDuration(minIdempotencyTTL),
	}
	values["Log"], values["Trace"] = cli.LogHelp, tracing.Help
	english = cli.RenderHelp(helpEN, values)
	values["Log"], values["Trace"] = cli.LogHelpKO, tracing.HelpKO
	korean = cli.RenderHelp(helpKO, values)
	return english, korean
}

var (
	//go:embed help.en.txt
	helpEN string
	//go:embed help.ko.txt
	helpKO string
)

func main() { cli.Main("order-service", run) }

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if err := parseFlags(args, stdout, stderr); err != nil {
		return err
	}
	log, err := cli.Logger(stderr, "order-service", getenv)
	if err != nil {
		return err
	}
	cfg, err := readConfig(getenv)
	if err != nil {
		return err
	}
	if cfg.readyFile != "" {
		// A file left by an earlier run would tell a waiting test we are ready too soon.
		if err := os.Remove(cfg.readyFile); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("READY_FILE: %w", err)
		}
	}

	// The seed's application.yml: spring.redis.host and port, here REDIS_URL.
	client, target, err := redisconn.Client(getenv)
	if err != nil {
		return err
	}
	defer redisconn.Close(client)
	stopTracing, err := tracing.Start(getenv, "order-service", stderr, log, client) // off unless OTEL_* variables ask
	if err != nil {
		return err
	}
	defer stopTracing() // flushes the last spans
	svc := newService(client, cfg, stdout, log)
	svc.out = cli.EventLines(stdout, "order-service", getenv) // JSON with LOG_FORMAT=json
	// Redis is waited for once the probes are served: under an orchestrator
	// the service may start before its Redis. Meanwhile orders answer 503.
	start := func(ctx context.Context) error {
		if err := redisconn.Wait(ctx, client, target, log, redisconn.Redis62); err != nil {
			return err
		}
		policy, err := redisconn.CheckEviction(ctx, client, getenv, log, "its Idempotency-Key records: a retried order could be placed twice")
		metrics.RegisterMaxMemoryPolicy(svc.registry, policy)
		return err
	}
	if err := serve(ctx, svc, cfg, start, func(addr net.Addr) {
		log.Info("order-service listening", "addr", addr.String(), "redis", target.String(),
			"stream", events.OrderStream, "maxlen", cfg.maxLen)
	}); err != nil {
		return err
	}
	log.Info("order-service stopped", "accepted", svc.accepted.Load(), "replayed", svc.replayed.Load(),
		"rejected", svc.rejected.Load()+svc.keyReused.Load(), "failed", svc.failed.Load(), "unknown", svc.unknown.Load())
	return nil
}

// parseFlags reads the command line, which has only -h, -lang and -version.
func parseFlags(args []string, stdout, stderr io.Writer) error {
	english, korean := help()
	flags := cli.FlagsInTwoLanguages("order-service", "go run ./04-order-service [-lang ko]", english, korean, stderr)
	if err := cli.ParseService(flags, args, stdout); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		flags.Usage()
		return cli.ErrUsage
	}
	return nil
}

// serve runs the HTTP server until ctx is done and the requests in flight
// are answered. listening is called once the server listens; then start runs
// beside it, and READY_FILE is written once it succeeds. An error from start
// stops the server and is returned.
func serve(ctx context.Context, svc *service, cfg config, start func(context.Context) error, listening func(net.Addr)) error {
	srv := httpserve.New(net.JoinHostPort(cfg.host, cfg.port), routes(svc))
	writeReady := httpserve.ReadyFile(cfg.readyFile, svc.log) // nil without READY_FILE
	// After SIGTERM, /readyz answers 503 at once, and the server stops
	// SHUTDOWN_DELAY later, so that Kubernetes stops sending orders first.
	defer httpserve.LogStopping(ctx, svc.log, cfg.shutdownDelay)()
	serving, stopServing := svc.probes.Drain(ctx, cfg.shutdownDelay)
	defer stopServing()
	serving, failStart := context.WithCancelCause(serving)
	// Serve returns once serving ends, and requests in flight are done.
	err := httpserve.Serve(serving, srv, svc.log, func(addr net.Addr) {
		listening(addr)
		go func() {
			if err := start(serving); err != nil {
				if serving.Err() == nil {
					failStart(err)
				}
			} else if writeReady != nil {
				writeReady(addr)
			}
		}()
	})
	if cause := context.Cause(serving); err == nil && !errors.Is(cause, context.Canceled) {
		err = cause // start failed
	}
	return err
}

// routes is the whole HTTP surface of the service, in one place. The method in
// each pattern makes ServeMux answer 405 to any other method.
func routes(s *service) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /order", s.handleOrderQuery)
	// A GET pattern also takes HEAD, which must not place an order.
	mux.HandleFunc("HEAD /order", methodNotAllowed("GET"))
	mux.HandleFunc("POST /orders", s.handleOrderJSON)
	s.probes.Handle(mux) // GET /livez, /readyz and /healthz
	mux.Handle("GET /metrics", metrics.Handler(s.registry))
	mux.HandleFunc("GET /stats", s.handleStats)
	// With tracing on, each order gets a server span (kit/tracing).
	return tracing.HTTP(metrics.InstrumentHTTP(s.registry, mux))
}

// methodNotAllowed answers 405, as ServeMux does for a method no pattern has.
func methodNotAllowed(allow string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
	}
}

// config is the service's configuration, from the environment.
type config struct {
	host           string
	port           string
	shutdownDelay  time.Duration
	maxLen         int64
	idempotencyTTL time.Duration
	readyFile      string
}

// readConfig reads HOST, PORT, SHUTDOWN_DELAY, ORDER_STREAM_MAXLEN,
// IDEMPOTENCY_KEY_TTL and READY_FILE.
func readConfig(getenv func(string) string) (cfg config, err error) {
	cfg.host, cfg.readyFile = getenv("HOST"), getenv("READY_FILE")
	if cfg.port, err = cli.Port(getenv, "PORT", defaultPort); err != nil {
		return config{}, err
	}
	if cfg.shutdownDelay, err = cli.Duration(getenv, "SHUTDOWN_DELAY", 0, 0, 0); err != nil {
		return config{}, err
	}
	if cfg.maxLen, err = cli.PositiveInt(getenv, "ORDER_STREAM_MAXLEN", defaultMaxLen); err != nil {
		return config{}, err
	}
	if cfg.idempotencyTTL, err = cli.Duration(getenv, "IDEMPOTENCY_KEY_TTL", defaultIdempotencyTTL, minIdempotencyTTL, 0); err != nil {
		return config{}, err
	}
	return cfg, nil
}
