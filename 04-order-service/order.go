package main

// The seed's OrderController, to read first: handleOrderQuery is its GET /order,
// handleOrderJSON takes JSON, and placeOrder does the XADD and prints the line.

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/httpserve"
	"github.com/streams-workshop/kit/tracing"
)

// handleOrderQuery is the seed's endpoint, GET /order?userId=&productId=&price=,
// which answers "ok". Errors are plain text.
func (s *service) handleOrderQuery(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	order, err := newOrder(q.Get("userId"), q.Get("productId"), q.Get("price"))
	if err != nil {
		s.rejected.Add(1)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if _, err := s.placeOrder(r.Context(), "", order); err != nil {
		writeFailureText(w, err) // failure.go: 503 or 504
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "ok")
}

// handleOrderJSON is POST /orders: a JSON order in, 201 and its IDs out.
func (s *service) handleOrderJSON(w http.ResponseWriter, r *http.Request) {
	order, key, status, err := readOrder(w, r) // request.go
	if err != nil {
		s.rejected.Add(1)
		httpserve.Error(w, status, err.Error())
		return
	}
	placed, err := s.placeOrder(r.Context(), key, order)
	if err != nil {
		writeFailure(w, err, order.OrderID) // failure.go: 409, 503 or 504
		return
	}
	if placed.replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	httpserve.JSON(w, http.StatusCreated, created{placed.order.OrderID, placed.entryID})
}

// placeOrder is the seed's redisTemplate.opsForStream().add("order-events",
// fieldMap) and its printed line. With an Idempotency-Key, the XADD runs in
// publish_once.lua instead, at most once per key (idempotency.go).
func (s *service) placeOrder(ctx context.Context, key string, order events.Order) (p placed, err error) {
	// Once started, a publish runs to its end (publishTimeout at most) even if
	// the client hangs up: the counters and the log tell what became of it.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), publishTimeout)
	defer cancel()
	if key == "" {
		p.order = order
		// MAXLEN ~ trims the stream; pipeline.go sends concurrent XADDs together.
		xadd := &redis.XAddArgs{Stream: events.OrderStream, MaxLen: s.maxLen, Approx: true, Values: entryFields(ctx, order)}
		p.entryID, err = s.pipeline.XAdd(ctx, xadd)
	} else {
		p, err = s.publishOnce(ctx, key, order)
	}
	switch {
	case err != nil:
		s.countFailure(order, err) // failure.go
	case p.replayed:
		s.replayed.Add(1)
	default:
		s.accepted.Add(1)
		// The seed's line; with LOG_FORMAT=json, its words and fields in JSON,
		// and its trace_id with tracing on.
		s.out.PrintTracedEvent(tracing.Traceparent(ctx), fmt.Sprintf("Order created. orderId=%s userId=%s productId=%s price=%s", order.OrderID, order.UserID, order.ProductID, order.Price),
			"Order created.", "orderId", order.OrderID, "userId", order.UserID, "productId", order.ProductID, "price", order.Price)
	}
	return p, err
}

// entryFields are the order's XADD fields. With tracing on, the request's
// span goes with them as a traceparent field, so that the payment and the
// notifications join the order's trace.
func entryFields(ctx context.Context, order events.Order) []string {
	fields := order.Fields()
	if traceparent := tracing.Traceparent(ctx); traceparent != "" {
		fields = append(fields, events.TraceField, traceparent)
	}
	return fields
}
