package main

import (
	"errors"
	"net"
	"net/http"
	"strconv"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/httpserve"
)

// retryAfter is the Retry-After of a 503, in seconds.
const retryAfter = 1

// failure is what a client is told when its order was not placed.
type failure struct {
	status  int    // 409, 503 or 504
	message string // for the client; the error itself, which may name the Redis address, goes to the log
}

// failureOf says what a failed publish means for the client. A 503 promises
// that the order is not in the stream: only when it never reached Redis, or
// Redis refused it. Any other failure came after the order was sent and may
// have happened after Redis ran it: 504, outcome unknown.
func failureOf(err error) failure {
	var refused redis.Error // Redis's error reply, to the command or the connection's handshake
	var op *net.OpError
	switch {
	case err == nil:
		return failure{}
	case errors.Is(err, errKeyReused):
		return failure{http.StatusConflict, err.Error()}
	case errors.As(err, &refused):
		return failure{http.StatusServiceUnavailable, "order not published: Redis refused it: " + refused.Error()}
	case errors.Is(err, errNotSent), errors.Is(err, redis.ErrPoolTimeout), errors.Is(err, redis.ErrClosed),
		errors.As(err, &op) && op.Op == "dial":
		return failure{http.StatusServiceUnavailable, "order not published: Redis is unavailable, try again later"}
	}
	return failure{http.StatusGatewayTimeout, "outcome unknown: Redis did not answer in time, and the order may have been published"}
}

// setRetryAfter tells the client of a 503 when to try again: the order is
// certainly not in the stream.
func setRetryAfter(w http.ResponseWriter, status int) {
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	}
}

// writeFailure answers a POST /orders whose order was not placed. A 504 holds
// the orderId the order has if it was written, for the client's records.
func writeFailure(w http.ResponseWriter, err error, orderID string) {
	f := failureOf(err)
	setRetryAfter(w, f.status)
	if f.status == http.StatusGatewayTimeout {
		httpserve.JSON(w, f.status, map[string]string{"outcome": "unknown", "orderId": orderID,
			"error": f.message + "; retry with the same Idempotency-Key"})
		return
	}
	httpserve.Error(w, f.status, f.message)
}

// writeFailureText answers a GET /order whose order was not placed, in plain
// text as the rest of that endpoint.
func writeFailureText(w http.ResponseWriter, err error) {
	f := failureOf(err)
	setRetryAfter(w, f.status)
	http.Error(w, f.message, f.status)
}

// countFailure counts an order that was not placed, and logs why.
func (s *service) countFailure(order events.Order, err error) {
	switch failureOf(err).status {
	case http.StatusConflict:
		s.keyReused.Add(1)
	case http.StatusGatewayTimeout:
		s.unknown.Add(1)
		s.log.Error("order outcome unknown", "orderId", order.OrderID, "err", err)
	default:
		s.failed.Add(1)
		s.log.Error("order not published", "orderId", order.OrderID, "err", err)
	}
}
