package main

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/streams-workshop/kit/consumer"
	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/testkit"
	"github.com/streams-workshop/kit/tracing"
)

// orderTrace is the traceparent an order-service request span wrote.
const orderTrace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

// addTracedOrder writes order orderID, with traceparent when it is not "".
func addTracedOrder(t *testing.T, rdb *redis.Client, orderID, traceparent string) {
	t.Helper()
	values := events.Order{OrderID: orderID, UserID: "u", ProductID: "p", Price: "10"}.Fields()
	if traceparent != "" {
		values = append(values, events.TraceField, traceparent)
	}
	if err := rdb.XAdd(context.Background(), &redis.XAddArgs{Stream: events.OrderStream, Values: values}).Err(); err != nil {
		t.Fatal(err)
	}
}

// paymentTraces maps each payment's orderId to its traceparent field, or to
// "none" when it has none.
func paymentTraces(t *testing.T, rdb *redis.Client) map[string]string {
	t.Helper()
	traces := map[string]string{}
	for _, m := range rdb.XRange(context.Background(), events.PaymentStream, "-", "+").Val() {
		tp, ok := m.Values[events.TraceField].(string)
		if !ok {
			tp = "none"
		}
		traces[m.Values["orderId"].(string)] = tp
	}
	return traces
}

// TestPaymentJoinsTheOrdersTrace: with tracing on, the payment consumer's
// span for an order is a child of the order's traceparent, and the payment
// entry carries that span on; an order without one gets a payment without.
func TestPaymentJoinsTheOrdersTrace(t *testing.T) {
	rdb := testkit.StartT(t).Client()
	spans := tracetest.NewInMemoryExporter()
	defer tracing.Use("payment-service", spans, nil)()
	addTracedOrder(t, rdb, "o1", orderTrace)
	addTracedOrder(t, rdb, "o2", "")
	p := newPayer(rdb, true)
	c, err := consumer.New(rdb, consumer.Config{Stream: events.OrderStream, Group: events.PaymentGroup,
		Consumer: "c1", Handler: p.pay, HandlerAcks: true, Block: 100 * time.Millisecond,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.Run(ctx); close(done) }()
	for deadline := time.Now().Add(10 * time.Second); p.paid.Load() < 2; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d orders paid after 10s, want 2", p.paid.Load())
		}
	}
	cancel()
	<-done

	var span tracetest.SpanStub
	for _, s := range spans.GetSpans() {
		if s.Name == "payment-service process order-events" && s.Parent.IsValid() {
			span = s
		}
	}
	if span.Parent.SpanID().String() != "00f067aa0ba902b7" || span.Parent.TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Fatalf("no payment span with the order's span as parent in %d spans", len(spans.GetSpans()))
	}
	want := map[string]string{"o1": "00-4bf92f3577b34da6a3ce929d0e0e4736-" + span.SpanContext.SpanID().String() + "-01", "o2": "none"}
	if got := paymentTraces(t, rdb); !maps.Equal(got, want) {
		t.Errorf("payments' traceparents %v, want %v", got, want)
	}
}

// TestPayScriptPlacesEachTraceparent: in a batch that mixes orders paid
// before, traced and untraced ones, each payment gets its own order's
// traceparent; with tracing off, none gets one.
func TestPayScriptPlacesEachTraceparent(t *testing.T) {
	for _, on := range []bool{true, false} {
		rdb := testkit.StartT(t).Client()
		for _, id := range []string{"o1", "o2", "o3", "o4"} {
			addTracedOrder(t, rdb, id, orderTrace)
		}
		rdb.XGroupCreate(context.Background(), events.OrderStream, events.PaymentGroup, "0")
		p := newPayer(rdb, true)
		batch := readBatch(t, rdb, "a", ">")
		mustPay(t, p, batch[1:2]) // o2 is paid before
		if on {                   // as kit/consumer sets them with tracing on
			batch[0].Traceparent, batch[1].Traceparent, batch[3].Traceparent = "tp-1", "tp-2", "tp-4"
		}
		mustPay(t, p, batch)
		want := map[string]string{"o1": "tp-1", "o2": "none", "o3": "none", "o4": "tp-4"}
		if !on {
			want["o1"], want["o4"] = "none", "none"
		}
		if got := paymentTraces(t, rdb); !maps.Equal(got, want) {
			t.Errorf("tracing on %v: payments' traceparents %v, want %v", on, got, want)
		}
	}
}
