package metrics

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/redis/go-redis/v9"
)

func TestInstrumentHTTPLabelsByRoute(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"}) // never dialled: pool stats only
	defer rdb.Close()
	reg := NewRegistry(rdb)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /orders/{id}", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no such order", http.StatusNotFound)
	})
	mux.Handle("GET /metrics", Handler(reg))
	h := InstrumentHTTP(reg, mux)
	for _, path := range []string{"/orders/o1", "/orders/o2", "/nowhere"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/orders/o3", nil))

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("/metrics is not the Prometheus text format: %v", err)
	}
	counts := map[string]uint64{}
	for _, m := range families["http_request_duration_seconds"].GetMetric() {
		var route, code string
		for _, l := range m.GetLabel() {
			switch l.GetName() {
			case "route":
				route = l.GetValue()
			case "code":
				code = l.GetValue()
			}
		}
		counts[route+" "+code] = m.GetHistogram().GetSampleCount()
	}
	want := map[string]uint64{
		"GET /orders/{id} 404": 2, // one series for both IDs: never the raw path
		"unmatched 404":        1,
		"unmatched 405":        1,
	}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("requests %q = %d, want %d (all: %v)", k, counts[k], n, counts)
		}
	}
	histogram := families["http_request_duration_seconds"].GetMetric()[0].GetHistogram()
	if first := histogram.GetBucket()[0].GetUpperBound(); first != 0.0001 {
		t.Errorf("the first HTTP bucket is %gs, want 100µs: a request takes less than 5ms", first)
	}
	info := families["build_info"].GetMetric()
	if len(info) != 1 || len(info[0].GetLabel()) != 2 || info[0].GetGauge().GetValue() != 1 {
		t.Errorf("build_info{goversion,version} 1: got %v", info)
	}
	for _, name := range []string{"go_goroutines", "process_start_time_seconds", "redis_pool_connections", "redis_pool_hits_total"} {
		if families[name] == nil {
			t.Errorf("no %s in /metrics", name)
		}
	}
}
