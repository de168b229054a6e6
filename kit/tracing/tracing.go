// Package tracing sets up OpenTelemetry tracing for the three services, from
// the standard OTEL_* variables. Tracing is off unless OTEL_TRACES_EXPORTER
// or OTEL_EXPORTER_OTLP_ENDPOINT asks for it: then the tracer provider is the
// no-op one, and every function here returns at once, allocating nothing.
//
// With tracing on, a trace crosses the streams as a field of each entry,
// traceparent (W3C Trace Context), which the Spring consumers ignore.
package tracing

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/extra/redisotel/v9"
	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// shutdownTimeout bounds the flush of the last spans on the way out.
const shutdownTimeout = 5 * time.Second

var (
	// enabled is checked first by everything here: off, nothing else runs.
	enabled atomic.Bool
	// service names the spans of the consumers: "payment-service process order-events".
	service atomic.Pointer[string]
)

// Enabled reports whether tracing is on.
func Enabled() bool { return enabled.Load() }

// Start turns tracing on when the OTEL_* variables ask for it, rdb's commands
// included; console gets the spans of OTEL_TRACES_EXPORTER=console. Call the
// returned stop on the way out (after SIGTERM): it flushes the last spans.
func Start(getenv func(string) string, name string, console io.Writer, rdb redis.UniversalClient) (stop func(), err error) {
	exporter, err := exporterFromEnv(getenv, console)
	if err != nil || exporter == nil {
		return func() {}, err
	}
	if s := getenv("OTEL_SERVICE_NAME"); s != "" {
		name = s
	}
	return use(name, sdktrace.WithBatcher(exporter), rdb)
}

// exporterFromEnv is the exporter that OTEL_TRACES_EXPORTER names (otlp by
// default), or nil when tracing is off. The OTLP exporter reads its own
// variables: OTEL_EXPORTER_OTLP_ENDPOINT, _HEADERS, _TIMEOUT, and more.
func exporterFromEnv(getenv func(string) string, console io.Writer) (sdktrace.SpanExporter, error) {
	kind := getenv("OTEL_TRACES_EXPORTER")
	if strings.EqualFold(getenv("OTEL_SDK_DISABLED"), "true") {
		return nil, nil
	}
	if kind == "" && getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" && getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "" {
		return nil, nil
	}
	switch kind {
	case "", "otlp":
		for _, v := range []string{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"} {
			if p := getenv(v); p != "" && p != "http/protobuf" {
				return nil, fmt.Errorf("%s=%q: only http/protobuf is supported (port 4318)", v, p)
			}
		}
		return otlptracehttp.New(context.Background())
	case "console":
		return stdouttrace.New(stdouttrace.WithWriter(console))
	case "none":
		return nil, nil
	}
	return nil, fmt.Errorf("OTEL_TRACES_EXPORTER=%q: want otlp, console or none", kind)
}

// Use turns tracing on with exporter, synchronously: each span is exported
// as it ends. It is for tests (sdk/trace/tracetest's in-memory exporter).
func Use(name string, exporter sdktrace.SpanExporter, rdb redis.UniversalClient) (stop func()) {
	stop, _ = use(name, sdktrace.WithSyncer(exporter), rdb)
	return stop
}

func use(name string, export sdktrace.TracerProviderOption, rdb redis.UniversalClient) (stop func(), err error) {
	res, err := resource.Merge(resource.Default(), resource.NewSchemaless(attribute.String("service.name", name)))
	if err != nil {
		return func() {}, err
	}
	provider := sdktrace.NewTracerProvider(export, sdktrace.WithResource(res))
	if rdb != nil {
		// Statements off: a payment batch has thousands of arguments, and an
		// order's fields are the user's.
		err = redisotel.InstrumentTracing(rdb, redisotel.WithTracerProvider(provider),
			redisotel.WithDBStatement(false), redisotel.WithCallerEnabled(false))
		if err != nil {
			return func() {}, err
		}
	}
	otel.SetTracerProvider(provider)
	otel.SetTextMapPropagator(propagation.TraceContext{})
	service.Store(&name)
	enabled.Store(true)
	return func() {
		enabled.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		provider.Shutdown(ctx) // flushes; an unreachable collector loses the last spans, not the service
		otel.SetTracerProvider(noop.NewTracerProvider())
	}, nil
}

// tracer makes the spans of this package.
func tracer() trace.Tracer {
	return otel.Tracer("github.com/streams-workshop/kit/tracing")
}

// HTTP wraps a service's routes in a server span per request, which starts a
// trace or continues the caller's (a traceparent header). The probes and
// /metrics, asked every few seconds, get none. Off, it returns h itself.
func HTTP(h http.Handler) http.Handler {
	if !Enabled() {
		return h
	}
	return otelhttp.NewHandler(h, "http", otelhttp.WithFilter(func(r *http.Request) bool {
		switch r.URL.Path {
		case "/livez", "/readyz", "/healthz", "/metrics", "/stats":
			return false
		}
		return true
	}))
}
