// Mistake: logs a failed XADD and goes on: the order is neither paid nor is
// the error returned.
// Caught by: "the error the test caused was not returned"

package exercise

import (
	"context"
	"errors"
	"log"
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
			if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: payments, Values: paymentFields(order, id)}).Err(); err != nil {
				log.Printf("payment of %s failed: %v", order.ID, err)
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
