package consumer_test

import (
	"testing"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/streams-workshop/kit/consumer"
	"github.com/streams-workshop/kit/tracing"
)

// TestEntriesGetSpansWithTracingOn: one consumer span per entry, a child of
// its traceparent field; the handler sees the span's traceparent in the
// Message, and a rejected entry's span is an error.
func TestEntriesGetSpansWithTracingOn(t *testing.T) {
	rdb := privateRedis(t)
	spans := tracetest.NewInMemoryExporter()
	defer tracing.Use("test-service", spans, nil)()
	const parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	traced := add(t, rdb, "orderId", "o1", "traceparent", parent)
	untraced := add(t, rdb, "orderId", "o2")
	h := &recorder{reject: func(m consumer.Message) string {
		if m.ID == untraced {
			return "no good"
		}
		return ""
	}}
	c, stop := run(t, rdb, "c1", h, nil)
	waitUntil(t, "both entries are done", func() bool { s := c.Stats(); return s.Processed+s.DeadLettered == 2 })
	stop()

	got := spans.GetSpans()
	if len(got) != 2 {
		t.Fatalf("%d spans, want one per entry", len(got))
	}
	byID := map[string]tracetest.SpanStub{}
	for _, s := range got {
		for _, a := range s.Attributes {
			if a.Key == "messaging.message.id" {
				byID[a.Value.AsString()] = s
			}
		}
	}
	s := byID[traced]
	if s.Name != "test-service process jobs" || s.Parent.SpanID().String() != "00f067aa0ba902b7" || s.Status.Code == codes.Error {
		t.Errorf("traced entry: span %q, parent %v, status %v", s.Name, s.Parent, s.Status)
	}
	if want := "00-" + s.SpanContext.TraceID().String() + "-" + s.SpanContext.SpanID().String() + "-01"; h.seen[0].Traceparent != want {
		t.Errorf("Message.Traceparent = %q, want the span's %q", h.seen[0].Traceparent, want)
	}
	if r := byID[untraced]; r.Parent.IsValid() || r.Status.Code != codes.Error || h.seen[1].Traceparent != "" {
		t.Errorf("rejected entry without traceparent: parent %v, status %v, Message.Traceparent %q",
			r.Parent, r.Status, h.seen[1].Traceparent)
	}
}
