// Mistake: reads its pending orders once, then ">": one read returns at most
// Count of them, and the rest stay pending for good.
// Caught by: "again until a read returns none"

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

func PayThenAck(ctx context.Context, rdb *redis.Client, consumer string) error {
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
		if id == "0" {
			id = ">" // one read of pending orders, whatever it returned
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
