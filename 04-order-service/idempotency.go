package main

import (
	"context"
	_ "embed"
	"errors"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/events"
)

const (
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

// placed is an order in the stream; replayed: an earlier request with the
// same Idempotency-Key placed it, and this one added nothing.
type placed struct {
	order    events.Order
	entryID  string
	replayed bool
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
	request := order.UserID + " " + order.ProductID + " " + order.Price // validated: no spaces inside
	args := []any{s.maxLen, int64(s.idempotencyTTL / time.Second), order.OrderID, request}
	for _, f := range entryFields(ctx, order) {
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
