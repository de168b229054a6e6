// Package metrics gives each service its Prometheus metrics: a registry of
// its own, the Go runtime and process series, the Redis connection pool, and
// the time taken by each HTTP request, by route.
//
// Each service has its own registry rather than Prometheus's global one, so
// that tests can run several services in one process, and a service shows
// only what it registered.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/redisconn"
)

// NewRegistry returns a registry holding the Go runtime and process series
// (go_*, process_*), build_info, and rdb's connection pool (redis_pool_*).
func NewRegistry(rdb redis.UniversalClient) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		buildInfo(),
		poolCollector{rdb},
	)
	return reg
}

// buildInfo is build_info{version,goversion} 1: which build runs, as -version
// prints it, so that a dashboard shows a roll-out.
func buildInfo() prometheus.Collector {
	version, goVersion := cli.Version()
	gauge := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "build_info",
		Help:        "Always 1; its labels say which build runs: the version (or commit) and the Go version.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": goVersion},
	})
	gauge.Set(1)
	return gauge
}

// httpBuckets are the bounds of the HTTP latency histogram, from 100µs to
// 10s. An order takes well under a millisecond on a local network: with
// Prometheus's default buckets, which start at 5ms, every request fell in the
// first one and no percentile could be read.
var httpBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// Handler serves reg in the Prometheus text format, for GET /metrics. A
// collector that fails leaves out its series and the rest is still served.
func Handler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      reg, // counts failed scrapes in promhttp_metric_handler_errors_total
	})
}

// InstrumentHTTP measures each request that mux serves, in the histogram
// http_request_duration_seconds{route, code}. The route is the pattern that
// matched, such as "POST /orders", never the raw path: a path can take any
// value, and each label value makes a new series. Requests that match no
// pattern (404, 405) are counted under route="unmatched".
func InstrumentHTTP(reg prometheus.Registerer, mux *http.ServeMux) http.Handler {
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "http_request_duration_seconds",
		Help:    "Time taken to answer an HTTP request, by route pattern and status code.",
		Buckets: httpBuckets,
	}, []string{"route", "code"})
	reg.MustRegister(duration)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		mux.ServeHTTP(rec, r)
		// ServeMux sets r.Pattern on the request it was given: this one.
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		duration.WithLabelValues(route, strconv.Itoa(rec.status)).Observe(time.Since(start).Seconds())
	})
}

// statusRecorder remembers the status code a handler answered with.
type statusRecorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (r *statusRecorder) WriteHeader(status int) {
	if !r.wroteHeader {
		r.status, r.wroteHeader = status, true
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wroteHeader = true
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the real writer (Flush, deadlines).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// poolCollector reads go-redis's pool statistics at each scrape.
// (go-redis's own redisprometheus module is not published for v9.23.)
type poolCollector struct{ rdb redis.UniversalClient }

var (
	poolHits     = prometheus.NewDesc("redis_pool_hits_total", "Times a free connection was found in the Redis connection pool.", nil, nil)
	poolMisses   = prometheus.NewDesc("redis_pool_misses_total", "Times no free connection was found in the pool, and a new one was dialled.", nil, nil)
	poolTimeouts = prometheus.NewDesc("redis_pool_timeouts_total", "Times a wait for a free connection timed out.", nil, nil)
	poolWaits    = prometheus.NewDesc("redis_pool_waits_total", "Times a command waited for a free connection.", nil, nil)
	poolWaitTime = prometheus.NewDesc("redis_pool_wait_seconds_total", "Time spent waiting for a free connection.", nil, nil)
	poolStale    = prometheus.NewDesc("redis_pool_stale_connections_total", "Stale connections removed from the pool.", nil, nil)
	poolConns    = prometheus.NewDesc("redis_pool_connections", "Connections in the pool, idle or in use.", nil, nil)
	poolIdle     = prometheus.NewDesc("redis_pool_idle_connections", "Idle connections in the pool.", nil, nil)
)

func (poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolHits, poolMisses, poolTimeouts, poolWaits, poolWaitTime, poolStale, poolConns, poolIdle} {
		ch <- d
	}
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	rdb := c.rdb
	if cluster, ok := redisconn.ClusterOf(rdb); ok {
		rdb = cluster // also a client that follows a cluster: its connections are the cluster's
	}
	s := rdb.PoolStats()
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	gauge := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	counter(poolHits, float64(s.Hits))
	counter(poolMisses, float64(s.Misses))
	counter(poolTimeouts, float64(s.Timeouts))
	counter(poolWaits, float64(s.WaitCount))
	counter(poolWaitTime, time.Duration(s.WaitDurationNs).Seconds())
	counter(poolStale, float64(s.StaleConns))
	gauge(poolConns, float64(s.TotalConns))
	gauge(poolIdle, float64(s.IdleConns))
}

// RegisterMaxMemoryPolicy adds redis_maxmemory_policy_evicts{policy}: 1 when
// Redis's maxmemory-policy, as read at start, may evict keys (a service
// started anyway with REDIS_ALLOW_EVICTION=1), 0 under noeviction. An empty
// policy (it could not be read) adds nothing.
func RegisterMaxMemoryPolicy(reg prometheus.Registerer, policy string) {
	if policy == "" {
		return
	}
	gauge := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "redis_maxmemory_policy_evicts",
		Help:        "1 when Redis's maxmemory-policy, read at start, may evict the records this service relies on; 0 under noeviction.",
		ConstLabels: prometheus.Labels{"policy": policy},
	})
	if policy != "noeviction" {
		gauge.Set(1)
	}
	reg.MustRegister(gauge)
}
