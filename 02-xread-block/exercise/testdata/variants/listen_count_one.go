// Variant: one entry a read (COUNT 1), half a second's BLOCK, and the ID
// given with XReadArgs.ID rather than in Streams.

package exercise

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

func Listen(ctx context.Context, rdb *redis.Client, handle func(redis.XMessage)) error {
	last := "$"
	for ctx.Err() == nil {
		res, err := rdb.XRead(ctx, &redis.XReadArgs{
			Streams: []string{stream},
			ID:      last,
			Count:   1,
			Block:   500 * time.Millisecond,
		}).Result()
		if err == redis.Nil {
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			return err
		}
		m := res[0].Messages[0]
		handle(m)
		last = m.ID
	}
	return nil
}
