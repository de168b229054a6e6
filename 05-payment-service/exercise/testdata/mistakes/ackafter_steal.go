// Mistake: on start, claims every pending order of the group (XAUTOCLAIM with
// min-idle 0): it takes and pays orders that a live consumer is at work on.
// Caught by: "an order pending with another consumer is not yours"

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

func PayThenAck(ctx context.Context, rdb *redis.Client, consumer string) error {
	start := "0-0"
	for start != "" && ctx.Err() == nil {
		_, next, err := rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
			Stream: orders, Group: group, Consumer: consumer, MinIdle: 0, Start: start, Count: 100,
		}).Result()
		if err != nil {
			return thenAckStop(ctx, err)
		}
		if next == "0-0" {
			next = ""
		}
		start = next
	}
	id := "0"
	for ctx.Err() == nil {
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer, Streams: []string{orders, id}, Count: 10, Block: time.Second,
		}).Result()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil {
			return thenAckStop(ctx, err)
		}
		if id == "0" && len(streams[0].Messages) == 0 {
			id = ">"
			continue
		}
		for _, order := range streams[0].Messages {
			n, err := rdb.Incr(ctx, paymentProcessIDs).Result()
			if err != nil {
				return thenAckStop(ctx, err)
			}
			if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: payments, Values: paymentFields(order, n)}).Err(); err != nil {
				return thenAckStop(ctx, err)
			}
			if err := rdb.XAck(ctx, orders, group, order.ID).Err(); err != nil {
				return thenAckStop(ctx, err)
			}
		}
	}
	return nil
}

func thenAckStop(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}
