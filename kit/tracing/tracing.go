// Package tracing sets up OpenTelemetry tracing for the three services, from
// the standard OTEL_* variables. Tracing is off unless OTEL_TRACES_EXPORTER
// or OTEL_EXPORTER_OTLP_ENDPOINT asks for it. Off, the tracer provider is the
// no-op one, and every function here returns at once, allocating nothing.
//
// With tracing on, a trace crosses the streams as a field of each entry,
// traceparent (W3C Trace Context), which the Spring consumers ignore.
package tracing

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
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
// included; console gets the spans of OTEL_TRACES_EXPORTER=console, log the
// exporter's errors. Call the returned stop on the way out: it flushes.
func Start(getenv func(string) string, name string, console io.Writer, log *slog.Logger, rdb redis.UniversalClient) (stop func(), err error) {
	exporter, err := exporterFromEnv(getenv, console)
	if err != nil || exporter == nil {
		return func() {}, err
	}
	if s := getenv("OTEL_SERVICE_NAME"); s != "" {
		name = s
	}
	options := []sdktrace.TracerProviderOption{sdktrace.WithBatcher(exporter)}
	if getenv("OTEL_TRACES_SAMPLER") == "" { // else the SDK's sampler, from the variables
		options = append(options, sdktrace.WithSampler(noLoneClientSpans{}))
	}
	return use(name, log, rdb, options...)
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
	stop, _ = use(name, slog.New(slog.DiscardHandler), rdb, sdktrace.WithSyncer(exporter), sdktrace.WithSampler(noLoneClientSpans{}))
	return stop
}

// use installs a tracer provider made with options, and the propagator of
// W3C traceparent: the common part of Start and Use.
func use(name string, log *slog.Logger, rdb redis.UniversalClient, options ...sdktrace.TracerProviderOption) (stop func(), err error) {
	res, err := resource.Merge(resource.Default(), resource.NewSchemaless(attribute.String("service.name", name)))
	if err != nil {
		return func() {}, err
	}
	provider := sdktrace.NewTracerProvider(append(options, sdktrace.WithResource(res))...)
	if rdb != nil {
		// Statements off: a payment batch has thousands of arguments, and an
		// order's fields are the user's.
		err = redisotel.InstrumentTracing(rdb, redisotel.WithTracerProvider(provider),
			redisotel.WithDBStatement(false), redisotel.WithCallerEnabled(false))
		if err != nil {
			return func() {}, err
		}
	}
	// In the service's log, not as plain lines among JSON ones (LOG_FORMAT=json).
	otel.SetLogger(logr.FromSlogHandler(log.Handler()))
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) { log.Warn("tracing: spans not sent", "err", err) }))
	otel.SetTracerProvider(provider)
	otel.SetTextMapPropagator(propagation.TraceContext{})
	service.Store(&name)
	enabled.Store(true)
	return func() {
		enabled.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		if err := provider.Shutdown(ctx); err != nil { // flushes
			log.Warn("tracing: the last spans were not sent", "err", err)
		}
		otel.SetTracerProvider(noop.NewTracerProvider())
	}, nil
}

// noLoneClientSpans samples every trace, as the SDK's default does, but a
// Redis command sent outside any span (a consumer's blocking read, a timer's
// claim) starts none: idle consumers would start a trace every second.
type noLoneClientSpans struct{}

func (noLoneClientSpans) ShouldSample(p sdktrace.SamplingParameters) sdktrace.SamplingResult {
	if p.Kind == trace.SpanKindClient && !trace.SpanContextFromContext(p.ParentContext).IsValid() {
		return sdktrace.SamplingResult{Decision: sdktrace.Drop}
	}
	return sampleAll.ShouldSample(p)
}

var sampleAll = sdktrace.ParentBased(sdktrace.AlwaysSample())

func (noLoneClientSpans) Description() string { return "NoLoneClientSpans" }

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
