package metrics

import (
	"context"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

// ScrapeTimeout bounds the Redis calls of one scrape: a scrape that waits on
// a Redis that does not answer would time out as a whole, and show nothing.
const ScrapeTimeout = time.Second

var (
	streamLengthDesc = prometheus.NewDesc("stream_length_entries",
		"Entries in the stream (XLEN), read at each scrape; absent when Redis does not answer.", []string{"stream"}, nil)
	deadLetterLengthDesc = prometheus.NewDesc("dead_letter_stream_length_entries",
		"Entries in the dead-letter stream (XLEN), read at each scrape; absent when Redis does not answer.", []string{"stream"}, nil)
)

// StreamLengths returns a collector of stream_length_entries{stream} for
// streams and dead_letter_stream_length_entries{stream} for deadLetters, read
// with XLEN at each scrape. A name given twice makes one series.
func StreamLengths(rdb redis.UniversalClient, streams, deadLetters []string) prometheus.Collector {
	return streamLengths{rdb: rdb, streams: distinct(streams), deadLetters: distinct(deadLetters)}
}

func distinct(names []string) []string {
	return slices.Compact(slices.Sorted(slices.Values(names)))
}

type streamLengths struct {
	rdb                  redis.UniversalClient
	streams, deadLetters []string
}

func (streamLengths) Describe(ch chan<- *prometheus.Desc) {
	ch <- streamLengthDesc
	ch <- deadLetterLengthDesc
}

// Collect sends every XLEN in one pipeline. When the pipeline fails, no
// series is sent, not even those whose reply came: a failed handshake leaves
// each command without an error and with a length of 0.
func (s streamLengths) Collect(ch chan<- prometheus.Metric) {
	if len(s.streams)+len(s.deadLetters) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), ScrapeTimeout)
	defer cancel()
	names := slices.Concat(s.streams, s.deadLetters)
	lengths := make([]*redis.IntCmd, len(names))
	_, err := s.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		for i, name := range names {
			lengths[i] = pipe.XLen(ctx, name)
		}
		return nil
	})
	if err != nil {
		return
	}
	for i, name := range names {
		desc := streamLengthDesc
		if i >= len(s.streams) {
			desc = deadLetterLengthDesc
		}
		ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, float64(lengths[i].Val()), name)
	}
}
