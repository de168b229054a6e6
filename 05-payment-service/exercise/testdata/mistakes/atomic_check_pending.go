// Mistake: asks XPENDING whether it still holds the order, then pays and acks
// in two commands: a crash between them pays the order twice.
// Caught by: "the payment and the ack were two steps, and a crash fell between them"

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
			held, err := rdb.XPendingExt(ctx, &redis.XPendingExtArgs{
				Stream: orders, Group: group, Start: order.ID, End: order.ID, Count: 1, Consumer: consumer,
			}).Result()
			if err != nil {
				return atomicStop(ctx, err)
			}
			if len(held) == 0 {
				continue
			}
			n, err := rdb.Incr(ctx, paymentProcessIDs).Result()
			if err != nil {
				return atomicStop(ctx, err)
			}
			if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: payments, Values: paymentFields(order, n)}).Err(); err != nil {
				return atomicStop(ctx, err)
			}
			if err := rdb.XAck(ctx, orders, group, order.ID).Err(); err != nil {
				return atomicStop(ctx, err)
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
