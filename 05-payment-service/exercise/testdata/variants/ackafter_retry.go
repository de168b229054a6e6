// Each command is tried again until it succeeds (or ctx ends), with a
// growing pause: the service rides out a passing error instead of exiting.

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// again runs do until it succeeds or ctx is cancelled.
func again(ctx context.Context, do func() error) bool {
	pause := 5 * time.Millisecond
	for do() != nil {
		select {
		case <-time.After(pause):
		case <-ctx.Done():
			return false
		}
		pause = min(2*pause, time.Second)
	}
	return true
}

func PayThenAck(ctx context.Context, rdb *redis.Client, consumer string) error {
	id := "0"
	for ctx.Err() == nil {
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer, Streams: []string{orders, id}, Count: 10, Block: time.Second,
		}).Result()
		if errors.Is(err, redis.Nil) || err != nil && ctx.Err() != nil {
			continue
		}
		if err != nil {
			return err
		}
		if id == "0" && len(streams[0].Messages) == 0 {
			id = ">"
			continue
		}
		for _, order := range streams[0].Messages {
			var n int64
			ok := again(ctx, func() (err error) { n, err = rdb.Incr(ctx, paymentProcessIDs).Result(); return err }) &&
				again(ctx, func() error {
					return rdb.XAdd(ctx, &redis.XAddArgs{Stream: payments, Values: paymentFields(order, n)}).Err()
				}) &&
				again(ctx, func() error { return rdb.XAck(ctx, orders, group, order.ID).Err() })
			if !ok {
				return nil
			}
		}
	}
	return nil
}
