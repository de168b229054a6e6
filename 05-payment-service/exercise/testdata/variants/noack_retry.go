// A failed command is tried again, up to three times with a short pause,
// before the error is returned.

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// retried runs do until it succeeds, three times at most, and returns its
// last error, or nil once ctx is cancelled.
func retried(ctx context.Context, do func() error) error {
	var err error
	for try := 0; try < 3; try++ {
		if err = do(); err == nil || ctx.Err() != nil {
			break
		}
		select {
		case <-time.After(10 * time.Millisecond << try):
		case <-ctx.Done():
		}
	}
	if ctx.Err() != nil {
		return nil
	}
	return err
}

func PayNoAck(ctx context.Context, rdb *redis.Client, consumer string) error {
	for ctx.Err() == nil {
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer, Streams: []string{orders, ">"},
			Count: 10, Block: time.Second, NoAck: true,
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
			var id int64
			if err := retried(ctx, func() (err error) {
				id, err = rdb.Incr(ctx, paymentProcessIDs).Result()
				return err
			}); err != nil || ctx.Err() != nil {
				return err
			}
			if err := retried(ctx, func() error {
				return rdb.XAdd(ctx, &redis.XAddArgs{Stream: payments, Values: paymentFields(order, id)}).Err()
			}); err != nil || ctx.Err() != nil {
				return err
			}
		}
	}
	return nil
}
