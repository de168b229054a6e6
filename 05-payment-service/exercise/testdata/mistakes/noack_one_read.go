// Mistake: reads once, pays what came, and returns nil: a listener that stops.
// Caught by: "return only once ctx is cancelled"

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

func PayNoAck(ctx context.Context, rdb *redis.Client, consumer string) error {
	for ctx.Err() == nil {
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer,
			Streams: []string{orders, ">"},
			Count:   10,
			Block:   time.Second,
			NoAck:   true,
		}).Result()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		for _, order := range streams[0].Messages {
			id, err := rdb.Incr(ctx, paymentProcessIDs).Result()
			if err != nil {
				return noAckStop(ctx, err)
			}
			if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: payments, Values: paymentFields(order, id)}).Err(); err != nil {
				return noAckStop(ctx, err)
			}
		}
		return nil
	}
	return nil
}

func noAckStop(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}
