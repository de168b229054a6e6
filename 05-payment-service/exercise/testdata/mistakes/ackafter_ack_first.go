// Mistake: acknowledge, then pay. A crash between the two loses the order
// exactly as NOACK did, only more rarely.
// Caught by: "you acknowledged the order before its payment was added"

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
		if id == "0" && len(streams[0].Messages) == 0 {
			id = ">"
			continue
		}
		for _, order := range streams[0].Messages {
			if err := rdb.XAck(ctx, orders, group, order.ID).Err(); err != nil {
				return thenAckStop(ctx, err)
			}
			n, err := rdb.Incr(ctx, paymentProcessIDs).Result()
			if err != nil {
				return thenAckStop(ctx, err)
			}
			if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: payments, Values: paymentFields(order, n)}).Err(); err != nil {
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
