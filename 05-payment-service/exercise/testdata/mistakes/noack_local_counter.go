// Mistake: the tutorial's in-memory counter: it restarts at 0 with the
// service, and two instances hand out the same numbers.
// Caught by: "is not the counter's next number"

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// paymentProcessID counts payments, as the Spring listener's int field.
var paymentProcessID int64

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
			paymentProcessID++
			if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: payments, Values: paymentFields(order, paymentProcessID)}).Err(); err != nil {
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
