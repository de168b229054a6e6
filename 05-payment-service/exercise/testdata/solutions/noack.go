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
			NoAck:   true, // as Spring's receiveAutoAck: acknowledged on delivery
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
		}
	}
	return nil
}
