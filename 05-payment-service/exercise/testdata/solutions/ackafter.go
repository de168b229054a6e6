package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

func PayThenAck(ctx context.Context, rdb *redis.Client, consumer string) error {
	id := "0" // first the orders we hold, then new ones
	for ctx.Err() == nil {
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer,
			Streams: []string{orders, id},
			Count:   10,
			Block:   time.Second,
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
		if id == "0" && len(streams[0].Messages) == 0 {
			id = ">" // no pending orders left
			continue
		}
		for _, order := range streams[0].Messages {
			if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: payments, Values: paymentFields(order)}).Err(); err != nil {
				return err
			}
			// Only now: a crash before this line leaves the order pending, to be paid on restart.
			if err := rdb.XAck(ctx, orders, group, order.ID).Err(); err != nil {
				return err
			}
		}
	}
	return nil
}
