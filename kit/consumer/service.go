package consumer

import (
	"cmp"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/health"
	"github.com/streams-workshop/kit/httpserve"
	"github.com/streams-workshop/kit/metrics"
	"github.com/streams-workshop/kit/redisconn"
	"github.com/streams-workshop/kit/tracing"
)

// Settings are what a consumer service reads from its environment.
type Settings struct {
	Consumer      string        // CONSUMER_NAME, default DefaultName: host name and port
	ClaimMinIdle  time.Duration // CLAIM_MIN_IDLE, a Go duration
	MaxDeliveries int64         // MAX_DELIVERIES
	BatchSize     int64         // BATCH_SIZE, entries per read
	MaxEntryBytes int64         // MAX_ENTRY_BYTES
	IdleDelete    time.Duration // CONSUMER_IDLE_DELETE; 0: never
	Host          string        // HOST, default all interfaces
	Port          string        // PORT
	ShutdownDelay time.Duration // SHUTDOWN_DELAY
	ReadyFile     string        // READY_FILE, for tests
}

// EnvHelp documents the variables SettingsFromEnv reads, for -h, in English
// and in Korean (env.en.txt, env.ko.txt), with the service's default port.
// LOG_FORMAT and LOG_LEVEL (cli.LogHelp), then the OTEL_* variables
// (tracing.Help), end both.
func EnvHelp(defaultPort string) (english, korean string) {
	values := map[string]any{
		"Port": defaultPort, "MinIdle": cli.FormatDuration(MinClaimMinIdle), "ClaimIdle": cli.FormatDuration(DefaultClaimMinIdle),
		"MaxDeliveries": DefaultMaxDeliveries, "BatchSize": DefaultCount, "MaxCount": MaxCount, "MaxEntryBytes": DefaultMaxEntryBytes,
		"IdleDelete": cli.FormatDuration(DefaultIdleDelete), "Redis": redisconn.DefaultAddr,
	}
	values["Log"], values["Trace"] = cli.LogHelp, tracing.Help
	english = cli.RenderHelp(envHelpEN, values)
	values["Log"], values["Trace"] = cli.LogHelpKO, tracing.HelpKO
	korean = cli.RenderHelp(envHelpKO, values)
	return english, korean
}

var (
	//go:embed env.en.txt
	envHelpEN string
	//go:embed env.ko.txt
	envHelpKO string
)

// SettingsFromEnv reads and checks the settings; defaultPort is the
// service's port from the tutorial.
func SettingsFromEnv(getenv func(string) string, defaultPort string) (s Settings, err error) {
	s.ReadyFile = getenv("READY_FILE")
	s.Host = getenv("HOST")
	if s.Port, err = cli.Port(getenv, "PORT", defaultPort); err != nil {
		return s, err
	}
	s.Consumer = cmp.Or(getenv("CONSUMER_NAME"), DefaultName(getenv, s.Port))
	if s.IdleDelete, err = cli.Duration(getenv, "CONSUMER_IDLE_DELETE", DefaultIdleDelete, 0, 0); err != nil {
		return s, err
	}
	if s.ShutdownDelay, err = cli.Duration(getenv, "SHUTDOWN_DELAY", 0, 0, 0); err != nil {
		return s, err
	}
	if s.ClaimMinIdle, err = cli.Duration(getenv, "CLAIM_MIN_IDLE", DefaultClaimMinIdle, MinClaimMinIdle, 0); err != nil {
		return s, err
	}
	if s.MaxDeliveries, err = cli.PositiveInt(getenv, "MAX_DELIVERIES", DefaultMaxDeliveries); err != nil {
		return s, err
	}
	if s.MaxEntryBytes, err = cli.PositiveInt(getenv, "MAX_ENTRY_BYTES", DefaultMaxEntryBytes); err != nil {
		return s, err
	}
	if s.BatchSize, err = cli.PositiveInt(getenv, "BATCH_SIZE", DefaultCount); err == nil && s.BatchSize > MaxCount {
		err = fmt.Errorf("BATCH_SIZE=%q: want a whole number from 1 to %d", getenv("BATCH_SIZE"), MaxCount)
	}
	return s, err
}

// Config returns a consumer configuration for stream and group with these settings.
func (s Settings) Config(stream, group string, handler Handler, log *slog.Logger) Config {
	return Config{
		Stream:        stream,
		Group:         group,
		Consumer:      s.Consumer,
		Count:         s.BatchSize,
		MaxEntryBytes: s.MaxEntryBytes,
		ClaimMinIdle:  s.ClaimMinIdle,
		MaxDeliveries: s.MaxDeliveries,
		IdleDelete:    s.IdleDelete,
		Handler:       handler,
		Log:           log,
	}
}

// wedgedAfter is how long a consumer loop may go without turning before
// /livez says the process is wedged. A turn takes at most about one batch
// (BatchTimeout) plus a read; this leaves ample room, because a liveness probe
// that fails wrongly restarts a working pod.
const wedgedAfter = 3 * BatchTimeout

// Serve runs the consumers and an HTTP server until ctx is cancelled, then
// waits for the consumers to finish their batches. The server answers
// /livez, /readyz and /healthz (see package health), /metrics from reg (the
// consumers' series are added to it), and /stats; extraStats, if not nil,
// adds the service's own counters to /stats.
//
// The server listens first; then start runs (it waits for Redis: see
// redisconn.Wait), and the consumers start once it returns nil, when
// s.ReadyFile is written. Until then /livez answers 200 and /readyz 503, as
// an orchestrator expects of a service started before its Redis. An error
// from start ends Serve with it.
//
// On SIGTERM (ctx done) /readyz turns 503 at once; the consumers and the
// server stop s.ShutdownDelay later.
func Serve(ctx context.Context, rdb redis.UniversalClient, s Settings, log *slog.Logger, reg *prometheus.Registry, extraStats func() any,
	start func(context.Context) error, consumers ...*Consumer) error {
	reg.MustRegister(Collector(consumers...))
	var probes health.Probes
	probes.LogChanges(log)
	probes.Live(func(context.Context) error { return wedged(consumers) })
	probes.Ready(func(ctx context.Context) error { return ready(ctx, rdb, log, consumers) })

	mux := http.NewServeMux()
	probes.Handle(mux)
	mux.Handle("GET /metrics", metrics.Handler(reg))
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		stats(w, r, log, consumers, extraStats)
	})
	srv := httpserve.New(net.JoinHostPort(s.Host, s.Port), metrics.InstrumentHTTP(reg, mux))

	defer httpserve.LogStopping(ctx, log, s.ShutdownDelay)()
	ctx, stop := probes.Drain(ctx, s.ShutdownDelay)
	defer stop()
	ctx, failStart := context.WithCancelCause(ctx)
	var wg sync.WaitGroup
	err := httpserve.Serve(ctx, srv, log, func(addr net.Addr) {
		log.Info("serving /healthz, /livez, /readyz, /metrics and /stats", "addr", addr.String())
		// Consume only once the port is ours: a second instance started on a
		// busy port fails at once instead of running without its probes.
		wg.Go(func() {
			if startConsumers(ctx, start, failStart, &wg, consumers) {
				if ready := httpserve.ReadyFile(s.ReadyFile, log); ready != nil {
					ready(addr)
				}
			}
		})
	})
	stop()
	wg.Wait()
	if cause := context.Cause(ctx); err == nil && !errors.Is(cause, context.Canceled) {
		err = cause // start failed
	}
	return err
}

// WaitForRedis is a consumer service's start for Serve: wait for Redis 7.0
// (redisconn.Wait), then check that its maxmemory-policy cannot evict what
// the service keeps there, records (redisconn.CheckEviction), and show the
// policy on reg.
func WaitForRedis(rdb redis.UniversalClient, t redisconn.Target, getenv func(string) string, log *slog.Logger, reg prometheus.Registerer, records string) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := redisconn.Wait(ctx, rdb, t, log, redisconn.Redis70); err != nil {
			return err
		}
		policy, err := redisconn.CheckEviction(ctx, rdb, getenv, log, records)
		metrics.RegisterMaxMemoryPolicy(reg, policy)
		return err
	}
}

// startConsumers runs start, then each consumer in a goroutine of wg, and
// reports whether they run. When start fails for a reason other than ctx's
// end, fail stops the service with its error.
func startConsumers(ctx context.Context, start func(context.Context) error, fail context.CancelCauseFunc, wg *sync.WaitGroup, consumers []*Consumer) bool {
	if err := start(ctx); err != nil {
		if ctx.Err() == nil {
			fail(err)
		}
		return false
	}
	for _, c := range consumers {
		wg.Go(func() { c.Run(ctx) })
	}
	return true
}

// wedged says why the process is stuck, or nil: a consumer loop that runs
// but has not turned for wedgedAfter. It never looks at Redis.
func wedged(consumers []*Consumer) error {
	for _, c := range consumers {
		if idle := time.Since(c.LastTurn()); c.Running() && idle > wedgedAfter {
			return fmt.Errorf("the consumer of %s has not turned for %s", c.cfg.Stream, idle.Round(time.Second))
		}
	}
	return nil
}

// ready is nil when Redis answers, every consumer runs and gets through, and
// every group exists; else it says what is wrong in plain words. The debug
// log has the detail: go-redis's errors name addresses and carry server
// messages. (Probes logs the start and end of an outage.)
func ready(ctx context.Context, rdb redis.UniversalClient, log *slog.Logger, consumers []*Consumer) error {
	if err := redisconn.Answers(ctx, rdb, func(err error) { log.Debug("/readyz: PING failed", "err", err) }); err != nil {
		return err
	}
	for _, c := range consumers {
		if !c.Running() {
			return fmt.Errorf("the consumer of %s is not running", c.cfg.Stream)
		}
		if problem := c.Problem(); problem != "" {
			return errors.New(problem)
		}
		if _, err := c.State(ctx); err != nil {
			log.Debug("/readyz: XINFO GROUPS failed", "stream", c.cfg.Stream, "err", err)
			return errors.New(c.stateProblem(err))
		}
	}
	return nil
}

// stateProblem says in plain words why the group's state cannot be read.
func (c *Consumer) stateProblem(err error) string {
	if errors.Is(err, errNoGroup) || redis.HasErrorPrefix(err, "ERR no such key") {
		return "no group " + c.cfg.Group + " on " + c.cfg.Stream + " (yet)"
	}
	return "cannot read the state of " + c.cfg.Group + ": " + plainWords(err)
}

// stats reports each consumer's counters and its group's pending and lag.
func stats(w http.ResponseWriter, r *http.Request, log *slog.Logger, consumers []*Consumer, extraStats func() any) {
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	type consumerStats struct {
		Consumer string `json:"consumer"`
		Stats
		GroupState
		Error string `json:"error,omitempty"`
	}
	out := struct {
		Consumers []consumerStats `json:"consumers"`
		Service   any             `json:"service,omitempty"`
	}{}
	for _, c := range consumers {
		cs := consumerStats{Consumer: c.cfg.Consumer, Stats: c.Stats()}
		state, err := c.State(ctx)
		if err != nil {
			log.Warn("/stats: XINFO GROUPS failed", "stream", c.cfg.Stream, "err", err)
			cs.Error = c.stateProblem(err)
			state = GroupState{Stream: c.cfg.Stream, Group: c.cfg.Group}
		}
		cs.GroupState = state
		out.Consumers = append(out.Consumers, cs)
	}
	if extraStats != nil {
		out.Service = extraStats()
	}
	httpserve.JSON(w, http.StatusOK, out)
}
