// Mistake: XACK from Go, and XADD only when it answered 1: the fence is right,
// but the two are separate steps, and a crash between them loses the order.
// Caught by: "the ack and the payment were two steps, and the crash came between them"

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

func PayAtomically(ctx context.Context, rdb *redis.Client, consumer string) error {
	id := "0"
	for ctx.Err() == nil {
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer, Streams: []string{orders, id}, Count: 10, Block: time.Second,
		}).Result()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil {
			return atomicStop(ctx, err)
		}
		if id == "0" && len(streams[0].Messages) == 0 {
			id = ">"
			continue
		}
		for _, order := range streams[0].Messages {
			n, err := rdb.Incr(ctx, paymentProcessIDs).Result()
			if err != nil {
				return atomicStop(ctx, err)
			}
			acked, err := rdb.XAck(ctx, orders, group, order.ID).Result()
			if err != nil {
				return atomicStop(ctx, err)
			}
			if acked == 1 {
				if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: payments, Values: paymentFields(order, n)}).Err(); err != nil {
					return atomicStop(ctx, err)
				}
			}
		}
	}
	return nil
}

func atomicStop(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}
