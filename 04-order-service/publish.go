package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/events"
)

const (
	// publishTimeout bounds one publish, queueing included: with Redis down
	// or frozen, a client gets its answer within about this long.
	publishTimeout = 2 * time.Second
	// defaultIdempotencyTTL is how long Redis keeps an Idempotency-Key: a
	// retry within a day returns the first answer. Each key costs about
	// 200 bytes of memory for that long.
	defaultIdempotencyTTL = 24 * time.Hour
	// maxIdempotencyKeyLen bounds an Idempotency-Key; a UUID takes 36.
	maxIdempotencyKeyLen = 128
	// idempotencyKeyPrefix starts each key's record. {order-events} is a hash
	// tag: in a Redis Cluster the record lives in the slot of order-events
	// itself, so the script's two keys are on one node, as a script needs.
	idempotencyKeyPrefix = "{" + events.OrderStream + "}:idem:"
)

// orderPublisher adds an order to order-events and returns its entry ID.
// A plain XADD would do; batchingPublisher (pipeline.go) shares round trips.
type orderPublisher interface {
	Publish(ctx context.Context, order events.Order) (entryID string, err error)
}

// newOrder gives a checked order its orderId. A version 7 UUID starts with the
// time: IDs sort in order of creation.
func newOrder(userID, productID, price string) events.Order {
	return events.Order{OrderID: uuid.Must(uuid.NewV7()).String(), UserID: userID, ProductID: productID, Price: price}
}

// placed is an order that is in the stream.
type placed struct {
	order   events.Order
	entryID string
	// replayed: an earlier request with the same Idempotency-Key placed it,
	// and this one added nothing.
	replayed bool
}

// placeOrder adds the order to order-events; with an idempotency key, at most
// once per key (see publishOnce). The error tells failureOf what the client
// may conclude.
func (s *service) placeOrder(ctx context.Context, key string, order events.Order) (placed, error) {
	// Once started, a publish runs to its end even if the client hangs up, so
	// that the counters and the log tell what happened to the stream.
	ctx = context.WithoutCancel(ctx)
	var p placed
	var err error
	if key == "" {
		p.order = order
		p.entryID, err = s.orders.Publish(ctx, order)
	} else {
		p, err = s.publishOnce(ctx, key, order)
	}
	if err == nil {
		if p.replayed {
			s.replayed.Add(1)
			return p, nil
		}
		s.accepted.Add(1)
		// The seed's line; with LOG_FORMAT=json, its words and fields in JSON.
		s.out.PrintEvent(fmt.Sprintf("Order created. orderId=%s userId=%s productId=%s price=%s", order.OrderID, order.UserID, order.ProductID, order.Price),
			"Order created.", "orderId", order.OrderID, "userId", order.UserID, "productId", order.ProductID, "price", order.Price)
		return p, nil
	}
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
	return p, err
}

//go:embed publish_once.lua
var publishOnceLua string

var publishOnceScript = redis.NewScript(publishOnceLua)

// errKeyReused: the Idempotency-Key came with a different order before.
var errKeyReused = errors.New("this Idempotency-Key was used for a different order")

// publishOnce runs publish_once.lua: the first request with a key adds the
// order and records the key; a repeat, even one sent while the first is still
// on its way, gets the first request's orderId and entry ID and adds nothing.
func (s *service) publishOnce(ctx context.Context, key string, order events.Order) (placed, error) {
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	request := order.UserID + " " + order.ProductID + " " + order.Price // validated: no spaces inside
	args := []any{s.maxLen, int64(s.idempotencyTTL / time.Second), order.OrderID, request}
	for _, f := range order.Fields() {
		args = append(args, f)
	}
	keys := []string{events.OrderStream, idempotencyKeyPrefix + key}
	record, err := publishOnceScript.Run(ctx, s.redis, keys, args...).Text()
	if err != nil {
		return placed{}, err
	}
	// The record is "orderId entryId userId productId price".
	orderID, rest, _ := strings.Cut(record, " ")
	entryID, firstRequest, _ := strings.Cut(rest, " ")
	if firstRequest != request || entryID == "" {
		return placed{}, errKeyReused
	}
	replayed := orderID != order.OrderID
	order.OrderID = orderID
	return placed{order: order, entryID: entryID, replayed: replayed}, nil
}

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
