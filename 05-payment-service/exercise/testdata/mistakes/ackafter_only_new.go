// Mistake: ack after paying, but read only ">" on start. The order held at
// the crash stays pending under this consumer's name, and nobody pays it.
// Caught by: "first read its own pending orders (ID 0)"

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

func PayThenAck(ctx context.Context, rdb *redis.Client, consumer string) error {
	for ctx.Err() == nil {
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer, Streams: []string{orders, ">"}, Count: 10, Block: time.Second,
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
			if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: payments, Values: paymentFields(order)}).Err(); err != nil {
				return err
			}
			if err := rdb.XAck(ctx, orders, group, order.ID).Err(); err != nil {
				return err
			}
		}
	}
	return nil
}
