package tracing

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/streams-workshop/kit/events"
)

// Traceparent is the W3C traceparent of ctx's span, to write as the
// traceparent field of an entry: "" when tracing is off or ctx has no span.
func Traceparent(ctx context.Context) string {
	if !Enabled() {
		return ""
	}
	return traceparentOf(trace.SpanContextFromContext(ctx))
}

// traceparentOf formats a span context as the traceparent header does:
// version 00, trace ID, span ID, flags.
func traceparentOf(sc trace.SpanContext) string {
	if !sc.IsValid() {
		return ""
	}
	return "00-" + sc.TraceID().String() + "-" + sc.SpanID().String() + "-" + sc.TraceFlags().String()
}

// TraceID is the trace ID in an entry's traceparent field, "" when it has
// none or it is malformed.
func TraceID(traceparent string) string {
	sc := trace.SpanContextFromContext(fromTraceparent(context.Background(), traceparent))
	if !sc.IsValid() {
		return ""
	}
	return sc.TraceID().String()
}

// fromTraceparent is ctx with the remote span that a traceparent names.
func fromTraceparent(ctx context.Context, traceparent string) context.Context {
	return propagation.TraceContext{}.Extract(ctx, propagation.MapCarrier{"traceparent": traceparent})
}

// Entry is the consumer span of one stream entry.
type Entry struct {
	span trace.Span
	// Traceparent is the span's own traceparent, for the entries written on
	// its account (a payment for an order); "" when the entry had no
	// traceparent field: then its span starts a trace of its own.
	Traceparent string
}

// StartEntry starts the span of one entry that a group's consumer handles,
// "payment-service process order-events", as a child of the span named by
// the entry's traceparent field. ctx carries the new span.
func StartEntry(ctx context.Context, stream, group, entryID string, values map[string]any) (context.Context, Entry) {
	parent, _ := values[events.TraceField].(string)
	if parent != "" {
		ctx = fromTraceparent(ctx, parent)
	}
	orderID, _ := values["orderId"].(string)
	if orderID == "" {
		orderID = entryID // as the consumers do for a Spring order
	}
	name := "process " + stream
	if s := service.Load(); s != nil {
		name = *s + " " + name
	}
	ctx, span := tracer().Start(ctx, name, trace.WithSpanKind(trace.SpanKindConsumer), trace.WithAttributes(
		attribute.String("messaging.system", "redis"),
		attribute.String("messaging.operation.type", "process"),
		attribute.String("messaging.destination.name", stream),
		attribute.String("messaging.consumer.group.name", group),
		attribute.String("messaging.message.id", entryID),
		attribute.String("orderId", events.Printable(orderID)), // untrusted: bounded
	))
	e := Entry{span: span}
	if parent != "" {
		e.Traceparent = traceparentOf(span.SpanContext())
	}
	return ctx, e
}

// End ends the span: failed when err is not nil, as a rejected entry or a
// failed batch is.
func (e Entry) End(err error) {
	if err != nil {
		e.span.RecordError(err)
		e.span.SetStatus(codes.Error, err.Error())
	}
	e.span.End()
}
