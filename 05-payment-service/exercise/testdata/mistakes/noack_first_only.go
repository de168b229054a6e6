// Mistake: pays only the first order of each read: the others of the batch are
// lost (with NOACK, acknowledged already).
// Caught by: "pay every order a read returns"

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
		if msgs := streams[0].Messages; len(msgs) > 0 {
			id, err := rdb.Incr(ctx, paymentProcessIDs).Result()
			if err != nil {
				return noAckStop(ctx, err)
			}
			if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: payments, Values: paymentFields(msgs[0], id)}).Err(); err != nil {
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
