package consumer

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/metrics"
)

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

// ageBuckets are the bounds of consumer_event_age_seconds, from 100µs to an
// hour: a consumer that keeps up sees milliseconds, a backlog hours. Below
// 1ms they say little, as an entry ID counts whole milliseconds.
var ageBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
	1, 2.5, 5, 10, 30, 60, 300, 900, 3600}

// newAgeHistogram measures how old each entry is when a consumer takes it in hand.
func newAgeHistogram(cfg Config) prometheus.Histogram {
	return prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "consumer_event_age_seconds",
		Help: "Age of each entry when this instance took it in hand, from the time in its entry ID: " +
			"observed at every delivery, first deliveries and redeliveries alike. " +
			"An ID ahead of this host's clock counts as 0; an ID written by hand (such as 5-1) lands in +Inf.",
		ConstLabels: prometheus.Labels{"stream": cfg.Stream, "group": cfg.Group},
		Buckets:     ageBuckets,
	})
}

// observeAges observes the age of each entry of a batch taken in hand at now;
// entries trimmed away meanwhile (no fields) are not handled, and not observed.
func (c *Consumer) observeAges(messages []redis.XMessage, now time.Time) {
	for _, m := range messages {
		if m.Values != nil {
			c.ages.Observe(entryAge(m.ID, now).Seconds())
		}
	}
}

// entryAge is the time from the milliseconds of an entry ID (<ms>-<seq>),
// set by Redis's clock when the entry was added, to now. An ID ahead of now
// gives 0: the clocks of two hosts differ a little.
func entryAge(id string, now time.Time) time.Duration {
	ms, _, _ := strings.Cut(id, "-")
	added, err := strconv.ParseUint(ms, 10, 64)
	if err != nil || added > uint64(now.UnixMilli()) {
		return 0
	}
	return now.Sub(time.UnixMilli(int64(added)))
}

// Collector returns a Prometheus collector for consumers: their counters and,
// read from Redis at each scrape, their groups' state and the lengths of their
// streams and dead-letter streams. Each reads its own stream or group.
func Collector(consumers ...*Consumer) prometheus.Collector {
	cs := collector{consumers: consumers}
	if len(consumers) > 0 {
		var streams, deadLetters []string
		for _, c := range consumers {
			streams = append(append(streams, c.cfg.Stream), c.cfg.Writes...)
			deadLetters = append(deadLetters, c.cfg.DeadLetterStream)
		}
		cs.lengths = metrics.StreamLengths(consumers[0].rdb, streams, deadLetters)
	}
	return cs
}

type collector struct {
	consumers []*Consumer
	lengths   prometheus.Collector // nil without consumers
}

func (cs collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{processedDesc, redeliveredDesc, claimedDesc, deadDesc, removedDesc,
		upDesc, pendingDesc, idleDesc, lagDesc, trimmedDesc, consumersDesc} {
		ch <- d
	}
	for _, c := range cs.consumers {
		c.batches.Describe(ch)
		c.ages.Describe(ch)
	}
	if cs.lengths != nil {
		cs.lengths.Describe(ch)
	}
}

func (cs collector) Collect(ch chan<- prometheus.Metric) {
	if cs.lengths != nil {
		cs.lengths.Collect(ch)
	}
	ctx, cancel := context.WithTimeout(context.Background(), metrics.ScrapeTimeout)
	defer cancel()
	for _, c := range cs.consumers {
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
		c.ages.Collect(ch)

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

// markAlive notes that the loop turned.
func (c *Consumer) markAlive() { c.heartbeat.Store(time.Now().UnixNano()) }

// Running reports whether the read loop runs: the group exists and Run has
// not returned.
func (c *Consumer) Running() bool { return c.running.Load() }

// LastTurn is when the loop last turned. While it runs, it turns at least once
// per batch, each bounded by BatchTimeout, and once per read or backoff.
func (c *Consumer) LastTurn() time.Time { return time.Unix(0, c.heartbeat.Load()) }
