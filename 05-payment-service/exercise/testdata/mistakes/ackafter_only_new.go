// Mistake: ack after paying, but read only ">" on start. The orders held at a
// crash stay pending under this consumer's name, and nobody pays them.
// Caught by: "a consumer first reads its own pending orders"

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

func PayThenAck(ctx context.Context, rdb *redis.Client, consumer string) error {
	id := ">"
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
