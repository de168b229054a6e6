// Mistake: Block: 1000, meant as a second: Block is a time.Duration, so that is
// 1000 ns, which go-redis sends as BLOCK 0: wait forever.
// Caught by: "Block is a time.Duration: Block: time.Second"

package exercise

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

func PayNoAck(ctx context.Context, rdb *redis.Client, consumer string) error {
	for ctx.Err() == nil {
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer,
			Streams: []string{orders, ">"},
			Count:   10,
			Block:   1000,
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
