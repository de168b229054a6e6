// Mistake: MULTI XADD XACK EXEC. Atomic, so a crash cannot fall between the
// two; but EXEC runs XADD whatever XACK answers, so a consumer that lost its
// order to another still pays it.
// Caught by: "MULTI/EXEC runs XADD whatever XACK answers"

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
			_, err = rdb.TxPipelined(ctx, func(tx redis.Pipeliner) error {
				tx.XAdd(ctx, &redis.XAddArgs{Stream: payments, Values: paymentFields(order, n)})
				tx.XAck(ctx, orders, group, order.ID)
				return nil
			})
			if err != nil {
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
