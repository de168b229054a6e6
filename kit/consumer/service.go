package consumer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/httpserve"
	"github.com/streams-workshop/kit/redisconn"
)

// Settings are what a consumer service reads from its environment.
type Settings struct {
	Consumer      string        // CONSUMER_NAME
	ClaimMinIdle  time.Duration // CLAIM_MIN_IDLE, a Go duration
	MaxDeliveries int64         // MAX_DELIVERIES
	BatchSize     int64         // BATCH_SIZE, entries per read
	Port          string        // PORT
	ReadyFile     string        // READY_FILE, for tests
}

// DefaultConsumer is the consumer's name in its group when CONSUMER_NAME is
// not set, as in the tutorial.
const DefaultConsumer = "instance-1"

// EnvHelp documents the variables SettingsFromEnv reads, for -h, with the
// service's default port.
func EnvHelp(defaultPort string) string {
	return fmt.Sprintf(`  CONSUMER_NAME   this instance's name in the group (default %s); give
                  each instance its own to scale out
  CLAIM_MIN_IDLE  how long an entry sits unacked before another instance takes
                  it over with XAUTOCLAIM, a Go duration (default %s)
  MAX_DELIVERIES  deliveries before an entry goes to the dead-letter stream (default %d)
  BATCH_SIZE      entries per XREADGROUP (COUNT, default %d)
  PORT            HTTP port for /healthz and /stats (default %s)
  READY_FILE      once serving, write "<pid> <address>" to this file (for tests)
  REDIS_URL       the Redis server (default %s)`,
		DefaultConsumer, cli.FormatDuration(DefaultClaimMinIdle), DefaultMaxDeliveries, DefaultCount,
		defaultPort, redisconn.DefaultAddr)
}

// SettingsFromEnv reads and checks the settings; defaultPort is the
// service's port from the tutorial.
func SettingsFromEnv(getenv func(string) string, defaultPort string) (s Settings, err error) {
	s.Consumer = cmp.Or(getenv("CONSUMER_NAME"), DefaultConsumer)
	s.ReadyFile = getenv("READY_FILE")
	if s.Port, err = cli.Port(getenv, "PORT", defaultPort); err != nil {
		return s, err
	}
	if s.ClaimMinIdle, err = cli.Duration(getenv, "CLAIM_MIN_IDLE", DefaultClaimMinIdle, time.Millisecond, 0); err != nil {
		return s, err
	}
	if s.MaxDeliveries, err = cli.PositiveInt(getenv, "MAX_DELIVERIES", DefaultMaxDeliveries); err != nil {
		return s, err
	}
	s.BatchSize, err = cli.PositiveInt(getenv, "BATCH_SIZE", DefaultCount)
	return s, err
}

// Config returns a consumer configuration for stream and group with these settings.
func (s Settings) Config(stream, group string, handler Handler, log *slog.Logger) Config {
	return Config{
		Stream:        stream,
		Group:         group,
		Consumer:      s.Consumer,
		Count:         s.BatchSize,
		ClaimMinIdle:  s.ClaimMinIdle,
		MaxDeliveries: s.MaxDeliveries,
		Handler:       handler,
		Log:           log,
	}
}

// Serve runs the consumers and an HTTP server with /healthz and /stats until
// ctx is cancelled, then waits for the consumers to finish their batches.
// extraStats, if not nil, adds the service's own counters to /stats.
func Serve(ctx context.Context, rdb redis.UniversalClient, s Settings, log *slog.Logger, extraStats func() any, consumers ...*Consumer) error {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		health(w, r, rdb, log, consumers)
	})
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		stats(w, r, log, consumers, extraStats)
	})
	srv := httpserve.New(":"+s.Port, mux)

	ctx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	err := httpserve.Serve(ctx, srv, log, func(addr net.Addr) {
		// Consume only once the port is ours: a second instance started on a
		// busy port fails at once instead of running without its /healthz.
		for _, c := range consumers {
			wg.Go(func() { c.Run(ctx) })
		}
		log.Info("serving /healthz and /stats", "addr", addr.String())
		if ready := httpserve.ReadyFile(s.ReadyFile, log); ready != nil {
			ready(addr)
		}
	})
	stop()
	wg.Wait()
	return err
}

// health is 200 when Redis answers, every group exists and every consumer
// gets through, else 503 with the problem in plain words. The log has the
// detail: go-redis's errors name addresses and carry server messages.
func health(w http.ResponseWriter, r *http.Request, rdb redis.UniversalClient, log *slog.Logger, consumers []*Consumer) {
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		log.Warn("/healthz: PING failed", "err", err)
		httpserve.Error(w, http.StatusServiceUnavailable, plainWords(err))
		return
	}
	for _, c := range consumers {
		if problem := c.Problem(); problem != "" {
			httpserve.Error(w, http.StatusServiceUnavailable, problem)
			return
		}
		if _, err := c.State(ctx); err != nil {
			log.Warn("/healthz: XINFO GROUPS failed", "stream", c.cfg.Stream, "err", err)
			httpserve.Error(w, http.StatusServiceUnavailable, c.stateProblem(err))
			return
		}
	}
	httpserve.JSON(w, http.StatusOK, map[string]string{"status": "ok"})
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
