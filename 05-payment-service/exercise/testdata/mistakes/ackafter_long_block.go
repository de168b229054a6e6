// Mistake: Block: 30 * time.Second, so that a quiet stream costs fewer
// reads. A cancelled ctx does not interrupt a blocking read: stopped while it
// waits (Ctrl-C), the consumer returns only when the BLOCK runs out, up to
// 30 s later, not within 2 s.
// Caught by: "a Ctrl-C waits for the BLOCK to run out"

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
			Block:   30 * time.Second,
		}).Result()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil {
			return ackAfterUnlessStopped(ctx, err)
		}
		if id == "0" && len(streams[0].Messages) == 0 {
			id = ">" // no pending orders left
			continue
		}
		for _, order := range streams[0].Messages {
			n, err := rdb.Incr(ctx, paymentProcessIDs).Result()
			if err != nil {
				return ackAfterUnlessStopped(ctx, err)
			}
			if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: payments, Values: paymentFields(order, n)}).Err(); err != nil {
				return ackAfterUnlessStopped(ctx, err)
			}
			// Only now: a crash before this line leaves the order pending, to be paid on restart.
			if err := rdb.XAck(ctx, orders, group, order.ID).Err(); err != nil {
				return ackAfterUnlessStopped(ctx, err)
			}
		}
	}
	return nil
}

func ackAfterUnlessStopped(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}
