package systemtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/testkit"
)

// span is what this test reads of a span that stdouttrace writes as JSON.
type span struct {
	Name        string
	SpanContext struct{ TraceID, SpanID string }
	Parent      struct{ TraceID, SpanID string }
	Attributes  []struct {
		Key   string
		Value struct{ Value any }
	}
}

func (s span) attr(key string) string {
	for _, a := range s.Attributes {
		if a.Key == key {
			return fmt.Sprint(a.Value.Value)
		}
	}
	return ""
}

// traceparent is the W3C traceparent that names the span.
func (s span) traceparent() string {
	return "00-" + s.SpanContext.TraceID + "-" + s.SpanContext.SpanID + "-01"
}

// TestOneTraceFromOrderToSMS: with OTEL_TRACES_EXPORTER=console, one order
// placed over HTTP makes one trace across the three processes: the HTTP
// server span, the payment span as its child (through the order entry's
// traceparent), and the notifications' spans, the SMS's a child of the
// payment span (through the payment entry's). Off, no entry has the field.
func TestOneTraceFromOrderToSMS(t *testing.T) {
	testkit.Slow(t, "the three services as processes, with and without tracing")
	t.Run("on", func(t *testing.T) {
		spans, entries, lines := placeTracedOrder(t, "OTEL_TRACES_EXPORTER=console", "LOG_FORMAT=json")
		checkChain(t, spans, entries)
		checkTraceIDs(t, spans, lines)
	})
	t.Run("off", func(t *testing.T) {
		spans, entries, _ := placeTracedOrder(t, "OTEL_TRACES_EXPORTER=", "OTEL_EXPORTER_OTLP_ENDPOINT=")
		if len(spans) > 0 {
			t.Errorf("tracing off: %d spans written, want none", len(spans))
		}
		for stream, e := range entries {
			if tp, ok := e.Values[events.TraceField]; ok {
				t.Errorf("tracing off: the %s entry has traceparent %v", stream, tp)
			}
		}
	})
}

// placeTracedOrder runs the three services with env, places one order over
// HTTP, waits for its SMS, stops the services, and returns the spans they
// wrote, the order's entry in each stream, and the services' stdout.
func placeTracedOrder(t *testing.T, env ...string) ([]span, map[string]redis.XMessage, string) {
	srv := testkit.StartT(t)
	rdb := srv.Client()
	services := []*instance{
		startService(t, srv, "order-service", "orders", env...),
		startService(t, srv, "payment-service", "payer", env...),
		startService(t, srv, "notification-service", "notifier", env...),
	}
	resp, err := http.Post(fmt.Sprintf("http://127.0.0.1:%d/orders", services[0].port), "application/json",
		strings.NewReader(`{"userId":"u1","productId":"p1","price":"10"}`))
	if err != nil {
		t.Fatal(err)
	}
	var placed struct{ OrderID string }
	json.NewDecoder(resp.Body).Decode(&placed)
	resp.Body.Close()
	waitFor(t, 30*time.Second, "the order's SMS", func() bool {
		out := services[2].stdout.String() // text or JSON
		return strings.Contains(out, placed.OrderID) && strings.Contains(out, "SMS sent")
	})
	var spans []span
	for _, s := range services {
		if err := s.proc.Stop(10 * time.Second); err != nil { // the last spans are flushed on the way out
			t.Fatalf("%s: %v", s.name, err)
		}
		for _, line := range strings.Split(s.stderr.String(), "\n") {
			var sp span
			if strings.HasPrefix(line, "{") && json.Unmarshal([]byte(line), &sp) == nil && sp.Name != "" {
				spans = append(spans, sp)
			}
		}
	}
	entries := map[string]redis.XMessage{}
	for _, stream := range []string{events.OrderStream, events.PaymentStream} {
		msgs := rdb.XRange(context.Background(), stream, "-", "+").Val()
		if len(msgs) != 1 {
			t.Fatalf("%s holds %d entries, want 1", stream, len(msgs))
		}
		entries[stream] = msgs[0]
	}
	var stdout strings.Builder
	for _, s := range services {
		stdout.WriteString(s.stdout.String())
	}
	return spans, entries, stdout.String()
}

// checkTraceIDs checks that with LOG_FORMAT=json each service's line about
// the order carries the trace's ID.
func checkTraceIDs(t *testing.T, spans []span, stdout string) {
	t.Helper()
	var want string
	for _, s := range spans {
		if s.Name == "POST /orders" {
			want = s.SpanContext.TraceID
		}
	}
	lines := 0
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var event struct {
			TraceID string `json:"trace_id"`
		}
		if err := json.Unmarshal([]byte(line), &event); err != nil || event.TraceID != want {
			t.Errorf("line %q: trace_id %q, want %s", line, event.TraceID, want)
		}
		lines++
	}
	if lines != 4 { // order created, payment, mail, SMS
		t.Errorf("%d lines on stdout, want 4:\n%s", lines, stdout)
	}
}

// checkChain checks the trace: HTTP server span → order entry → payment
// span → payment entry → SMS span, and the mail span under the server span.
func checkChain(t *testing.T, spans []span, entries map[string]redis.XMessage) {
	t.Helper()
	named := func(name string) span {
		t.Helper()
		for _, s := range spans {
			if s.Name == name {
				return s
			}
		}
		t.Fatalf("no span %q among %d", name, len(spans))
		return span{}
	}
	server := named("POST /orders")
	payment := named("payment-service process order-events")
	sms := named("notification-service process payment-events")
	mail := named("notification-service process order-events")
	for _, link := range []struct {
		child  span
		parent span
	}{{payment, server}, {sms, payment}, {mail, server}} {
		if link.child.SpanContext.TraceID != server.SpanContext.TraceID || link.child.Parent.SpanID != link.parent.SpanContext.SpanID {
			t.Errorf("span %q: trace %s, parent %s; want trace %s, parent %q (%s)", link.child.Name, link.child.SpanContext.TraceID,
				link.child.Parent.SpanID, server.SpanContext.TraceID, link.parent.Name, link.parent.SpanContext.SpanID)
		}
	}
	if got := entries[events.OrderStream].Values[events.TraceField]; got != server.traceparent() {
		t.Errorf("the order entry's traceparent is %v, want the server span's %s", got, server.traceparent())
	}
	if got := entries[events.PaymentStream].Values[events.TraceField]; got != payment.traceparent() {
		t.Errorf("the payment entry's traceparent is %v, want the payment span's %s", got, payment.traceparent())
	}
	orderID := entries[events.OrderStream].Values["orderId"]
	if payment.attr("orderId") != orderID || payment.attr("messaging.system") != "redis" ||
		payment.attr("messaging.message.id") != entries[events.OrderStream].ID {
		t.Errorf("the payment span's attributes %+v miss the order's", payment.Attributes)
	}
	// The XADD of the order and the payment script show in the trace too;
	// an idle consumer's reads start no trace.
	for _, parent := range []span{server, payment} {
		if !hasRedisChild(spans, parent) {
			t.Errorf("no Redis client span (redisotel) under %q", parent.Name)
		}
	}
	for _, s := range spans {
		if isRedis(s) && strings.Trim(s.Parent.SpanID, "0") == "" {
			t.Errorf("Redis span %q has no parent: a trace of its own", s.Name)
		}
	}
}

func isRedis(s span) bool {
	return s.attr("db.system") == "redis" || s.attr("db.system.name") == "redis"
}

func hasRedisChild(spans []span, parent span) bool {
	for _, s := range spans {
		if isRedis(s) && s.Parent.SpanID == parent.SpanContext.SpanID {
			return true
		}
	}
	return false
}
