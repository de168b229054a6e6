package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/tracing"
)

// callerTrace is a caller's traceparent header: the order continues its trace.
const callerTrace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

// TestOrderEntryCarriesTheRequestsSpan: with tracing on, each way of placing
// an order writes the request's server span as the entry's traceparent, and
// the server span continues the caller's trace.
func TestOrderEntryCarriesTheRequestsSpan(t *testing.T) {
	spans := tracetest.NewInMemoryExporter()
	defer tracing.Use("order-service", spans, nil)()
	ts := newTestService(t) // after Use: routes wraps the handler only with tracing on
	for _, tc := range []struct{ method, target, key, body string }{
		{http.MethodPost, "/orders", "", `{"userId":"u1","productId":"p1","price":"10"}`},
		{http.MethodPost, "/orders", "key-1", `{"userId":"u1","productId":"p1","price":"10"}`},
		{http.MethodGet, "/order?userId=u1&productId=p1&price=10", "", ""},
	} {
		spans.Reset()
		req := httptest.NewRequest(tc.method, tc.target, strings.NewReader(tc.body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("traceparent", callerTrace)
		if tc.key != "" {
			req.Header.Set("Idempotency-Key", tc.key)
		}
		rec := httptest.NewRecorder()
		ts.handler.ServeHTTP(rec, req)
		if rec.Code >= 300 {
			t.Fatalf("%s %s: status %d, body %s", tc.method, tc.target, rec.Code, rec.Body)
		}
		server := serverSpan(t, spans)
		if server.Parent.SpanID().String() != "00f067aa0ba902b7" {
			t.Errorf("%s %s: server span's parent %v, want the caller's span", tc.method, tc.target, server.Parent)
		}
		entries := ts.entries(t)
		// The seed's Spring listeners read the fields they know by name
		// (map.get("userId"), ...): the extra field changes nothing for them.
		spring := entries[len(entries)-1].Values
		if spring["userId"] != "u1" || spring["productId"] != "p1" || spring["price"] != "10" || len(spring) != 5 {
			t.Errorf("%s %s: entry %v, want userId, productId, price, orderId and traceparent", tc.method, tc.target, spring)
		}
		got := entries[len(entries)-1].Values[events.TraceField]
		want := "00-4bf92f3577b34da6a3ce929d0e0e4736-" + server.SpanContext.SpanID().String() + "-01"
		if got != want {
			t.Errorf("%s %s (key %q): the entry's traceparent is %v, want the server span's %s", tc.method, tc.target, tc.key, got, want)
		}
	}
}

// serverSpan is the one HTTP server span exported.
func serverSpan(t *testing.T, spans *tracetest.InMemoryExporter) tracetest.SpanStub {
	t.Helper()
	var found []tracetest.SpanStub
	for _, s := range spans.GetSpans() {
		if s.SpanKind == trace.SpanKindServer {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d server spans, want 1", len(found))
	}
	return found[0]
}

// TestNoTraceparentWithTracingOff: off, no entry gets the field, even when
// the caller sends a traceparent header.
func TestNoTraceparentWithTracingOff(t *testing.T) {
	ts := newTestService(t)
	for _, key := range []string{"", "key-1"} {
		req := httptest.NewRequest(http.MethodPost, "/orders", strings.NewReader(`{"userId":"u1","productId":"p1","price":"10"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("traceparent", callerTrace)
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		ts.handler.ServeHTTP(httptest.NewRecorder(), req)
	}
	entries := ts.entries(t)
	if len(entries) != 2 {
		t.Fatalf("%d entries, want 2", len(entries))
	}
	for _, e := range entries {
		if v, ok := e.Values[events.TraceField]; ok {
			t.Errorf("entry %s has traceparent %v with tracing off", e.ID, v)
		}
	}
}

// TestEntryFieldsCostNothingMoreWithTracingOff: off, an order's fields are
// one allocation, as order.Fields alone.
func TestEntryFieldsCostNothingMoreWithTracingOff(t *testing.T) {
	ctx, order := context.Background(), events.Order{OrderID: "o1", UserID: "u1", ProductID: "p1", Price: "10"}
	if n := testing.AllocsPerRun(100, func() { _ = entryFields(ctx, order) }); n != 1 {
		t.Errorf("entryFields with tracing off: %v allocations, want 1 (order.Fields)", n)
	}
}
