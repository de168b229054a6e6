package consumer

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

// scrapeTimeout bounds the Redis calls of one scrape: a scrape that waits on
// a Redis that does not answer would time out as a whole, and show nothing.
const scrapeTimeout = time.Second

// The series of a consumer's counters, each labelled stream and group. The
// label values are few and fixed: never an entry ID or an order ID, each of
// which would make a new series.
var (
	labels          = []string{"stream", "group"}
	processedDesc   = prometheus.NewDesc("consumer_entries_processed_total", "Entries processed and acked by this instance.", labels, nil)
	redeliveredDesc = prometheus.NewDesc("consumer_entries_redelivered_total", "Entries this instance received more than once (after a failure, a crash, or a claim).", labels, nil)
	claimedDesc     = prometheus.NewDesc("consumer_entries_claimed_total", "Entries this instance took over from idle consumers with XAUTOCLAIM.", labels, nil)
	deadDesc        = prometheus.NewDesc("consumer_entries_dead_lettered_total", "Entries this instance moved to the dead-letter stream, by reason: invalid (the event is malformed) or max_deliveries.", append(labels, "reason"), nil)
	removedDesc     = prometheus.NewDesc("consumer_idle_consumers_removed_total", "Consumers of the group, idle and with no pending entries, that this instance removed.", labels, nil)

	upDesc        = prometheus.NewDesc("consumer_group_up", "1 when this scrape could read the group's state from Redis, else 0 (and no pending or lag series).", labels, nil)
	pendingDesc   = prometheus.NewDesc("consumer_group_pending_entries", "Entries delivered to a consumer of the group and not yet acked, by consumer (XINFO CONSUMERS).", append(labels, "consumer"), nil)
	idleDesc      = prometheus.NewDesc("consumer_group_consumer_idle_seconds", "Time since a consumer of the group last read or claimed, by consumer (XINFO CONSUMERS); absent when the server cannot tell.", append(labels, "consumer"), nil)
	lagDesc       = prometheus.NewDesc("consumer_group_lag_entries", "Entries of the stream not yet delivered to the group (XINFO GROUPS lag); absent when the server cannot tell.", labels, nil)
	trimmedDesc   = prometheus.NewDesc("consumer_entries_trimmed_before_delivery_total", "Entries trimmed (or deleted) from the stream before the group read them, since the group was created: never delivered. The group's count, the same on every instance: take the max, not the sum. Absent when the server cannot tell.", labels, nil)
	consumersDesc = prometheus.NewDesc("consumer_group_consumers", "Consumers the group knows, live or not (XINFO GROUPS).", labels, nil)
)

// newBatchHistogram measures how long each batch takes, handler, dead letters
// and acks included.
func newBatchHistogram(cfg Config) prometheus.Histogram {
	return prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:        "consumer_batch_duration_seconds",
		Help:        "Time taken to process one batch, handler, dead letters and acks included.",
		ConstLabels: prometheus.Labels{"stream": cfg.Stream, "group": cfg.Group},
		// From 1ms to about a minute: a batch may take up to BatchTimeout (30s).
		Buckets: prometheus.ExponentialBuckets(0.001, 4, 9),
	})
}

// Collector returns a Prometheus collector for consumers: their counters,
// and, read from Redis at each scrape, their groups' pending entries by
// consumer and lag. The consumers must read different streams or groups.
func Collector(consumers ...*Consumer) prometheus.Collector {
	return collector(consumers)
}

type collector []*Consumer

func (cs collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{processedDesc, redeliveredDesc, claimedDesc, deadDesc, removedDesc,
		upDesc, pendingDesc, idleDesc, lagDesc, consumersDesc} {
		ch <- d
	}
	for _, c := range cs {
		c.batches.Describe(ch)
	}
}

func (cs collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	for _, c := range cs {
		stream, group := c.cfg.Stream, c.cfg.Group
		counter := func(d *prometheus.Desc, v int64, labels ...string) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), append([]string{stream, group}, labels...)...)
		}
		gauge := func(d *prometheus.Desc, v int64, labels ...string) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, float64(v), append([]string{stream, group}, labels...)...)
		}
		counter(processedDesc, c.processed.Load())
		counter(redeliveredDesc, c.redelivered.Load())
		counter(claimedDesc, c.claimed.Load())
		counter(deadDesc, c.invalid.Load(), "invalid")
		counter(deadDesc, c.exhausted.Load(), "max_deliveries")
		counter(deadDesc, c.tooBig.Load(), "too_big")
		counter(removedDesc, c.removed.Load())
		c.batches.Collect(ch)

		// The group's state: a scrape still succeeds when Redis is down, and
		// says so in consumer_group_up.
		state, err := c.State(ctx)
		var consumers []redis.XInfoConsumer
		if err == nil {
			consumers, err = c.rdb.XInfoConsumers(ctx, stream, group).Result()
		}
		if err != nil {
			gauge(upDesc, 0)
			continue
		}
		gauge(upDesc, 1)
		gauge(consumersDesc, state.Consumers)
		if state.Lag != nil {
			gauge(lagDesc, *state.Lag)
		}
		if state.TrimmedUndelivered != nil {
			counter(trimmedDesc, *state.TrimmedUndelivered)
		}
		for _, cons := range consumers {
			gauge(pendingDesc, cons.Pending, cons.Name)
			if cons.Idle >= 0 {
				ch <- prometheus.MustNewConstMetric(idleDesc, prometheus.GaugeValue, cons.Idle.Seconds(), stream, group, cons.Name)
			}
		}
	}
}

// beat notes that the loop turned.
func (c *Consumer) beat() { c.heartbeat.Store(time.Now().UnixNano()) }

// Running reports whether the read loop runs: the group exists and Run has
// not returned.
func (c *Consumer) Running() bool { return c.running.Load() }

// LastBeat is when the loop last turned. While it runs, it turns at least once
// per batch, each bounded by BatchTimeout, and once per read or backoff.
func (c *Consumer) LastBeat() time.Time { return time.Unix(0, c.heartbeat.Load()) }
