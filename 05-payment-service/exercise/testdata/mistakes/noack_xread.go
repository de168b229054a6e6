// Mistake: XREAD from "$", keeping the last ID: no group at all. Orders that
// waited before it started are never paid, and each instance would pay
// every order.
// Caught by: "XREAD reads the stream for itself"

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

func PayNoAck(ctx context.Context, rdb *redis.Client, consumer string) error {
	last := "$"
	for ctx.Err() == nil {
		streams, err := rdb.XRead(ctx, &redis.XReadArgs{Streams: []string{orders, last}, Count: 10, Block: time.Second}).Result()
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
			last = order.ID
			id, err := rdb.Incr(ctx, paymentProcessIDs).Result()
			if err != nil {
				return err
			}
			if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: payments, Values: paymentFields(order, id)}).Err(); err != nil {
				return err
			}
		}
	}
	return nil
}
