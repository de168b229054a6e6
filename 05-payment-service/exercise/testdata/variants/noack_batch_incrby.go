// A batch at a time: Count 50 and Block 2 s, one INCRBY per batch that
// reserves its numbers, handed out in turn; the loop stops on ctx.Done().

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

func PayNoAck(ctx context.Context, rdb *redis.Client, consumer string) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		default:
		}
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer, Streams: []string{orders, ">"},
			Count: 50, Block: 2 * time.Second, NoAck: true,
		}).Result()
		switch {
		case errors.Is(err, redis.Nil):
			continue
		case err != nil && ctx.Err() != nil:
			return nil
		case err != nil:
			return err
		}
		batch := streams[0].Messages
		last, err := rdb.IncrBy(ctx, paymentProcessIDs, int64(len(batch))).Result()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		pipe := rdb.Pipeline()
		for i, order := range batch {
			pipe.XAdd(ctx, &redis.XAddArgs{Stream: payments, Values: paymentFields(order, last-int64(len(batch)-1-i))})
		}
		if _, err := pipe.Exec(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
}
