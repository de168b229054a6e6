package tracing

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// env is a getenv over a map.
func env(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

func TestOffUnlessTheVariablesAsk(t *testing.T) {
	for _, vars := range []map[string]string{
		{},
		{"OTEL_TRACES_EXPORTER": "none"},
		{"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://localhost:4318"},
		{"OTEL_SERVICE_NAME": "x"},
		{"OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "console"},
	} {
		stop, err := Start(env(vars), "test-service", nil, slog.Default(), nil)
		if err != nil {
			t.Fatalf("%v: %v", vars, err)
		}
		if Enabled() {
			t.Errorf("%v: tracing is on, want off", vars)
		}
		stop()
	}
	h := http.NotFoundHandler()
	if got := HTTP(h); got == nil || Traceparent(context.Background()) != "" {
		t.Error("off: HTTP or Traceparent did work")
	}
}

func TestOffCostsNoAllocation(t *testing.T) {
	ctx := context.Background()
	if n := testing.AllocsPerRun(100, func() { _ = Traceparent(ctx) }); n != 0 {
		t.Errorf("Traceparent with tracing off: %v allocations, want 0", n)
	}
}

func TestBadVariablesAreErrors(t *testing.T) {
	for _, vars := range []map[string]string{
		{"OTEL_TRACES_EXPORTER": "zipkin"},
		{"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"},
	} {
		if _, err := Start(env(vars), "test-service", nil, slog.Default(), nil); err == nil || Enabled() {
			t.Errorf("%v: no error", vars)
		}
	}
}

func TestConsoleWritesSpansAsJSONLines(t *testing.T) {
	var out bytes.Buffer
	stop, err := Start(env(map[string]string{"OTEL_TRACES_EXPORTER": "console", "OTEL_SERVICE_NAME": "renamed"}), "test-service", &out, slog.Default(), nil)
	if err != nil || !Enabled() {
		t.Fatalf("console: %v, enabled %v", err, Enabled())
	}
	_, e := StartEntry(context.Background(), "order-events", "g", "1-1", map[string]any{"orderId": "o1"})
	e.End(nil)
	stop() // flushes
	line := out.String()
	if !strings.HasPrefix(line, "{") || strings.Count(strings.TrimSpace(line), "\n") != 0 ||
		!strings.Contains(line, `"renamed process order-events"`) {
		t.Errorf("console wrote %q, want one JSON line naming the span renamed process order-events", line)
	}
}

// TestEntrySpanContinuesTheTraceOfItsField: the consumer span is a child of
// the span named by the entry's traceparent, and its own traceparent names
// itself in the same trace.
func TestEntrySpanContinuesTheTraceOfItsField(t *testing.T) {
	spans := tracetest.NewInMemoryExporter()
	defer Use("payment-service", spans, nil)()
	const parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	_, e := StartEntry(context.Background(), "order-events", "payment-service-group", "5-1",
		map[string]any{"orderId": "o1", "traceparent": parent})
	e.End(nil)
	_, root := StartEntry(context.Background(), "order-events", "payment-service-group", "5-2", map[string]any{})
	root.End(errString("bad"))

	got := spans.GetSpans()
	if len(got) != 2 {
		t.Fatalf("%d spans, want 2", len(got))
	}
	s := got[0]
	if s.Name != "payment-service process order-events" || s.SpanKind != trace.SpanKindConsumer {
		t.Errorf("span %q of kind %v", s.Name, s.SpanKind)
	}
	if s.Parent.TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" || s.Parent.SpanID().String() != "00f067aa0ba902b7" {
		t.Errorf("parent %v, want the traceparent's span", s.Parent)
	}
	if want := "00-4bf92f3577b34da6a3ce929d0e0e4736-" + s.SpanContext.SpanID().String() + "-01"; e.Traceparent != want {
		t.Errorf("Traceparent %q, want %q", e.Traceparent, want)
	}
	attrs := map[string]string{}
	for _, a := range s.Attributes {
		attrs[string(a.Key)] = a.Value.Emit()
	}
	for k, v := range map[string]string{"messaging.system": "redis", "messaging.destination.name": "order-events",
		"messaging.message.id": "5-1", "orderId": "o1", "messaging.consumer.group.name": "payment-service-group"} {
		if attrs[k] != v {
			t.Errorf("attribute %s=%q, want %q", k, attrs[k], v)
		}
	}
	if r := got[1]; r.Parent.IsValid() || root.Traceparent != "" || r.Status.Code != codes.Error {
		t.Errorf("entry without traceparent: parent %v, Traceparent %q, status %v: want a root, none, an error",
			r.Parent, root.Traceparent, r.Status)
	}
	if id := TraceID(parent); id != "4bf92f3577b34da6a3ce929d0e0e4736" || TraceID("garbage") != "" {
		t.Errorf("TraceID(%q) = %q", parent, id)
	}
}

type errString string

func (e errString) Error() string { return string(e) }

// TestHTTPContinuesTheCallersTrace: a request's traceparent header is the
// server span's parent, and Traceparent in the handler names the server span.
// The probes get no span.
func TestHTTPContinuesTheCallersTrace(t *testing.T) {
	spans := tracetest.NewInMemoryExporter()
	defer Use("order-service", spans, nil)()
	var inHandler string
	h := HTTP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/orders" {
			inHandler = Traceparent(r.Context())
		}
	}))
	req := httptest.NewRequest("POST", "/orders", nil)
	req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	h.ServeHTTP(httptest.NewRecorder(), req)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/readyz", nil))
	got := spans.GetSpans()
	if len(got) != 1 {
		t.Fatalf("%d spans, want 1 (none for /readyz)", len(got))
	}
	s := got[0]
	if s.SpanKind != trace.SpanKindServer || s.Parent.SpanID().String() != "00f067aa0ba902b7" {
		t.Errorf("span %q kind %v parent %v", s.Name, s.SpanKind, s.Parent)
	}
	if want := "00-4bf92f3577b34da6a3ce929d0e0e4736-" + s.SpanContext.SpanID().String() + "-01"; inHandler != want {
		t.Errorf("Traceparent in the handler %q, want %q", inHandler, want)
	}
}

// TestLoneRedisCommandsStartNoTrace: a client span without a parent (an
// idle consumer's read) is dropped; one inside a span is kept.
func TestLoneRedisCommandsStartNoTrace(t *testing.T) {
	spans := tracetest.NewInMemoryExporter()
	defer Use("payment-service", spans, nil)()
	_, lone := tracer().Start(context.Background(), "xreadgroup", trace.WithSpanKind(trace.SpanKindClient))
	lone.End()
	ctx, e := StartEntry(context.Background(), "order-events", "g", "1-1", map[string]any{})
	_, child := tracer().Start(ctx, "evalsha", trace.WithSpanKind(trace.SpanKindClient))
	child.End()
	e.End(nil)
	var names []string
	for _, s := range spans.GetSpans() {
		names = append(names, s.Name)
	}
	if strings.Join(names, ",") != "evalsha,payment-service process order-events" {
		t.Errorf("exported %v, want the entry's span and the command inside it only", names)
	}
}

// failing is an exporter whose collector never answers.
type failing struct{ sdktrace.SpanExporter }

func (failing) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error {
	return errString("connection refused")
}
func (failing) Shutdown(context.Context) error { return nil }

// TestExportErrorsGoToTheLog: spans that cannot be sent are a warning in the
// service's log (JSON with LOG_FORMAT=json), and the service goes on.
func TestExportErrorsGoToTheLog(t *testing.T) {
	var logs bytes.Buffer
	stop, err := use("order-service", slog.New(slog.NewJSONHandler(&logs, nil)), nil, sdktrace.WithBatcher(failing{}))
	if err != nil {
		t.Fatal(err)
	}
	_, e := StartEntry(context.Background(), "order-events", "g", "1-1", map[string]any{})
	e.End(nil)
	stop()
	if !strings.Contains(logs.String(), `"level":"WARN","msg":"tracing: `) || !strings.Contains(logs.String(), `"err":"connection refused"`) {
		t.Errorf("log: %s", logs.String())
	}
}
