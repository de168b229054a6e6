// Mistake: parses the price as a float and writes it back: 12.50 becomes 12.5.
// Caught by: "copy price as the order has it"

package exercise

import (
	"context"
	"errors"
	"strconv"
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
			values := paymentFields(order, id)
			if price, err := strconv.ParseFloat(values[5].(string), 64); err == nil {
				values[5] = strconv.FormatFloat(price, 'f', -1, 64)
			}
			if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: payments, Values: values}).Err(); err != nil {
				return noAckStop(ctx, err)
			}
		}
	}
	return nil
}

func noAckStop(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}
