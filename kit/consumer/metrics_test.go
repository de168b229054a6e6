package consumer_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/consumer"
	"github.com/streams-workshop/kit/metrics"
	"github.com/streams-workshop/kit/testkit"
)

// scrape serves GET /metrics from h and parses it as Prometheus does.
func scrape(t *testing.T, h http.Handler) map[string]*dto.MetricFamily {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", rec.Code, rec.Body)
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("/metrics is not the Prometheus text format: %v", err)
	}
	return families
}

// gather collects cs in a pedantic registry, which fails on a series sent
// twice or one that Describe does not announce.
func gather(t *testing.T, cs ...prometheus.Collector) map[string]*dto.MetricFamily {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(cs...)
	list, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	families := map[string]*dto.MetricFamily{}
	for _, f := range list {
		families[f.GetName()] = f
	}
	return families
}

// byLabel returns the values of a family's series by the value of one label.
func byLabel(f *dto.MetricFamily, label string) map[string][]float64 {
	values := map[string][]float64{}
	for _, m := range f.GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == label {
				values[l.GetValue()] = append(values[l.GetValue()], m.GetGauge().GetValue())
			}
		}
	}
	return values
}

// addAt adds an entry with an explicit ID, as a producer with its own IDs would.
func addAt(t *testing.T, rdb *redis.Client, id string) {
	t.Helper()
	if err := rdb.XAdd(context.Background(), &redis.XAddArgs{Stream: stream, ID: id, Values: []string{"n", id}}).Err(); err != nil {
		t.Fatal(err)
	}
}

// Each delivery observes the entry's age from the milliseconds of its ID: a
// hand-written ID (5-1) lands above every bucket, one ahead of the clock at
// 0. The handler fails the first batch, so each entry is observed twice.
func TestEventAgeComesFromTheEntryID(t *testing.T) {
	rdb := privateRedis(t)
	before := time.Now()
	tenAgo, fiveAgo := before.Add(-10*time.Second).UnixMilli(), before.Add(-5*time.Second).UnixMilli()
	ahead := before.Add(time.Hour).UnixMilli()
	for _, id := range []string{"5-1", fmt.Sprintf("%d-0", tenAgo), fmt.Sprintf("%d-0", fiveAgo), fmt.Sprintf("%d-0", ahead)} {
		addAt(t, rdb, id)
	}
	failed := false
	h := &recorder{fail: func() error {
		if failed {
			return nil
		}
		failed = true
		return errors.New("the first batch fails")
	}}
	c, stop := run(t, rdb, "c1", h, nil)
	waitUntil(t, "the entries are processed", func() bool { return c.Stats().Processed == 4 })
	stop()
	after := time.Now()

	ages := gather(t, consumer.Collector(c))["consumer_event_age_seconds"].GetMetric()[0].GetHistogram()
	if ages.GetSampleCount() != 8 {
		t.Fatalf("%d ages observed, want 8: 4 entries, each delivered twice", ages.GetSampleCount())
	}
	upTo := map[float64]uint64{}
	for _, b := range ages.GetBucket() {
		upTo[b.GetUpperBound()] = b.GetCumulativeCount()
	}
	if upTo[0.0001] != 2 || upTo[3600] != 6 {
		t.Errorf("ages up to 100µs: %d, want 2 (the ID ahead of the clock); up to 1h: %d, want 6 (all but 5-1)", upTo[0.0001], upTo[3600])
	}
	since := func(at time.Time) float64 {
		var s float64
		for _, ms := range []int64{5, tenAgo, fiveAgo} {
			s += 2 * at.Sub(time.UnixMilli(ms)).Seconds()
		}
		return s
	}
	if sum := ages.GetSampleSum(); sum < since(before)-1e-3 || sum > since(after)+1e-3 {
		t.Errorf("sum of ages %.3fs, want from %.3fs to %.3fs: the ages the IDs give", sum, since(before), since(after))
	}
}

// The length gauges are XLEN of the streams read and written and of the
// dead-letter streams; two consumers that share a stream or a dead-letter
// stream give one series each.
func TestStreamLengthGauges(t *testing.T) {
	rdb := privateRedis(t)
	const entries, poison = 7, 3
	for i := range entries {
		add(t, rdb, "n", strconv.Itoa(i))
	}
	h := &recorder{reject: func(m consumer.Message) string {
		if n, _ := strconv.Atoi(m.Values["n"].(string)); n < poison {
			return "poison"
		}
		return ""
	}}
	c, _ := run(t, rdb, "c1", h, nil)
	waitUntil(t, "the dead letters are written", func() bool { return rdb.XLen(context.Background(), dlq).Val() == poison })
	waitUntil(t, "nothing is pending", func() bool { return pendingCount(t, rdb, stream, group) == 0 })
	auditors, err := consumer.New(rdb, consumer.Config{Stream: stream, Group: "auditors", Consumer: "a1",
		DeadLetterStream: dlq, Writes: []string{"audits", stream}, Handler: h.handle})
	if err != nil {
		t.Fatal(err)
	}

	families := gather(t, consumer.Collector(c, auditors))
	lengths := byLabel(families["stream_length_entries"], "stream")
	dead := byLabel(families["dead_letter_stream_length_entries"], "stream")
	if fmt.Sprint(lengths) != fmt.Sprintf("map[audits:[0] %s:[%d]]", stream, rdb.XLen(context.Background(), stream).Val()) {
		t.Errorf("stream_length_entries = %v, want jobs (%d entries) and audits (0), once each", lengths, entries)
	}
	if fmt.Sprint(dead) != fmt.Sprintf("map[%s:[%d]]", dlq, poison) {
		t.Errorf("dead_letter_stream_length_entries = %v, want %s: [%d], once", dead, dlq, poison)
	}
}

// With Redis stopped, the gauges read from it are absent, not 0, and the
// scrape still succeeds; what the process counts itself is still there.
func TestLengthsAbsentWhileRedisIsDown(t *testing.T) {
	mode, err := testkit.Mode()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := testkit.Start(mode, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	rdb := srv.Client()
	defer rdb.Close()
	c, err := consumer.New(rdb, consumer.Config{Stream: stream, Group: group, Consumer: "c1", Handler: (&recorder{}).handle})
	if err != nil {
		t.Fatal(err)
	}
	reg := metrics.NewRegistry(rdb)
	reg.MustRegister(consumer.Collector(c))
	h := metrics.Handler(reg)
	up := []string{"stream_length_entries", "dead_letter_stream_length_entries", "consumer_event_age_seconds"}
	for _, name := range up {
		if scrape(t, h)[name] == nil {
			t.Fatalf("no %s while Redis answers", name)
		}
	}

	srv.Stop()
	families := scrape(t, h)
	for _, name := range up[:2] {
		if families[name] != nil {
			t.Errorf("%s is there with Redis stopped: %v", name, families[name].GetMetric())
		}
	}
	if families["consumer_event_age_seconds"] == nil || families["consumer_group_up"].GetMetric()[0].GetGauge().GetValue() != 0 {
		t.Errorf("with Redis stopped, want the age histogram still there and consumer_group_up 0")
	}
}

// The series of a consumer service pass Prometheus's own lint (promtool
// check metrics): names, units, suffixes and help.
func TestMetricsLint(t *testing.T) {
	rdb := privateRedis(t)
	c, err := consumer.New(rdb, consumer.Config{Stream: stream, Group: group, Consumer: "c1", Handler: (&recorder{}).handle})
	if err != nil {
		t.Fatal(err)
	}
	reg := metrics.NewRegistry(rdb)
	reg.MustRegister(consumer.Collector(c))
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics.Handler(reg))
	h := metrics.InstrumentHTTP(reg, mux)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/metrics", nil))

	var families []*dto.MetricFamily
	for _, f := range scrape(t, h) {
		families = append(families, f)
	}
	problems, err := promlint.NewWithMetricFamilies(families).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", p.Metric, p.Text)
	}
}
