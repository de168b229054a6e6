// Mistake: makes the group again at "0" on each start, to be sure nothing is
// missed: every order still in the stream is paid again, those of earlier runs
// too.
// Caught by: "the group starts after the orders of earlier runs"

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

func PayNoAck(ctx context.Context, rdb *redis.Client, consumer string) error {
	rdb.XGroupDestroy(ctx, orders, group)
	if err := rdb.XGroupCreateMkStream(ctx, orders, group, "0").Err(); err != nil {
		return err
	}
	for ctx.Err() == nil {
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer,
			Streams: []string{orders, ">"},
			Count:   10,
			Block:   time.Second,
			NoAck:   true, // as Spring's receiveAutoAck: acknowledged on delivery
		}).Result()
		if errors.Is(err, redis.Nil) {
			continue // a quiet second
		}
		if err != nil {
			return unlessStopped(ctx, err)
		}
		for _, order := range streams[0].Messages {
			id, err := rdb.Incr(ctx, paymentProcessIDs).Result()
			if err != nil {
				return unlessStopped(ctx, err)
			}
			if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: payments, Values: paymentFields(order, id)}).Err(); err != nil {
				return unlessStopped(ctx, err)
			}
		}
	}
	return nil
}

// unlessStopped is err, or nil once ctx is cancelled: stopping is no failure.
func unlessStopped(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}
