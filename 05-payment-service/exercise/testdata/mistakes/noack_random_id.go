// Mistake: a random hex paymentProcessId, unique enough, but no number from
// the counter (the notification service accepts only digits).
// Caught by: "is not a number"

package exercise

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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
			raw := make([]byte, 8)
			rand.Read(raw)
			values := paymentFields(order, 0)
			values[7] = hex.EncodeToString(raw)
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
