package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/health"
	"github.com/streams-workshop/kit/httpserve"
	"github.com/streams-workshop/kit/metrics"
	"github.com/streams-workshop/kit/redisconn"
)

// pingTimeout bounds the health check's PING and /stats's XLEN.
const pingTimeout = 1 * time.Second

// service holds what the handlers share: the seed's injected
// StringRedisTemplate, and what the seed leaves out.
type service struct {
	redis          redis.UniversalClient
	pipeline       *sharedPipeline // the XADDs of orders without an Idempotency-Key
	maxLen         int64
	idempotencyTTL time.Duration
	log            *slog.Logger

	out *cli.Lines // handlers run concurrently; one line at a time

	// What became of the orders: for /stats, /metrics and the last log line.
	accepted, replayed, rejected, keyReused, failed, unknown atomic.Int64

	probes   health.Probes        // /livez, /readyz
	registry *prometheus.Registry // /metrics
}

func newService(client redis.UniversalClient, cfg config, stdout io.Writer, log *slog.Logger) *service {
	s := &service{redis: client, pipeline: newSharedPipeline(client), maxLen: cfg.maxLen,
		idempotencyTTL: cfg.idempotencyTTL, out: cli.NewLines(stdout), log: log}
	s.probes.Ready(s.redisAnswers)
	s.probes.LogChanges(log)
	s.registry = metrics.NewRegistry(client)
	s.registry.MustRegister(s.collectors()...)
	s.registry.MustRegister(metrics.StreamLengths(client, []string{events.OrderStream}, nil))
	return s
}

// redisAnswers is the readiness check: Redis answers a PING, and /readyz
// says what is wrong in the consumers' words. /livez has no check: the
// process works when it answers at all.
func (s *service) redisAnswers(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	return redisconn.Answers(ctx, s.redis, func(err error) { s.log.Debug("/readyz: PING failed", "err", err) })
}

// collectors are the order counters for /metrics, by outcome; the label
// values are fixed, never an order's own.
func (s *service) collectors() []prometheus.Collector {
	counter := func(name, help string, v *atomic.Int64, labels prometheus.Labels) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help, ConstLabels: labels},
			func() float64 { return float64(v.Load()) })
	}
	const rejected = "Orders refused with a 4xx, by reason; nothing published."
	const failed = "Valid orders that Redis failed, by reason: not_published (503) or outcome_unknown (504)."
	return []prometheus.Collector{
		counter("orders_accepted_total", "Orders published to the stream (201).", &s.accepted, nil),
		counter("orders_replayed_total", "Retries with a known Idempotency-Key, answered without a new entry.", &s.replayed, nil),
		counter("orders_rejected_total", rejected, &s.rejected, prometheus.Labels{"reason": "invalid"}),
		counter("orders_rejected_total", rejected, &s.keyReused, prometheus.Labels{"reason": "idempotency_key_reused"}),
		counter("orders_failed_total", failed, &s.failed, prometheus.Labels{"reason": "not_published"}),
		counter("orders_failed_total", failed, &s.unknown, prometheus.Labels{"reason": "outcome_unknown"}),
	}
}

// stats is the body of GET /stats. The counters start at 0 with the process.
type stats struct {
	Accepted     int64  `json:"ordersAccepted"` // 201 or ok: added to the stream
	Replayed     int64  `json:"ordersReplayed"` // 201 for a repeated Idempotency-Key: nothing added
	Rejected     int64  `json:"ordersRejected"` // 400, 409, 413, 415: nothing published
	Failed       int64  `json:"ordersFailed"`   // 503: valid, but certainly not in the stream
	Unknown      int64  `json:"ordersUnknown"`  // 504: sent, no answer in time
	Stream       string `json:"stream"`
	StreamLength *int64 `json:"streamLength"` // null when Redis does not answer
	StreamMaxLen int64  `json:"streamMaxLen"`
}

// handleStats answers 200 even when Redis is down: the counters are most
// useful then.
func (s *service) handleStats(w http.ResponseWriter, r *http.Request) {
	st := stats{
		Accepted:     s.accepted.Load(),
		Replayed:     s.replayed.Load(),
		Rejected:     s.rejected.Load() + s.keyReused.Load(),
		Failed:       s.failed.Load(),
		Unknown:      s.unknown.Load(),
		Stream:       events.OrderStream,
		StreamMaxLen: s.maxLen,
	}
	ctx, cancel := context.WithTimeout(r.Context(), pingTimeout)
	defer cancel()
	if n, err := s.redis.XLen(ctx, events.OrderStream).Result(); err == nil {
		st.StreamLength = &n
	}
	httpserve.JSON(w, http.StatusOK, st)
}
