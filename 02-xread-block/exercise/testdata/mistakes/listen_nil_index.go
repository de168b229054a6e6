// Mistake: redis.Nil let through to the loop over streams[0]: a quiet second
// has no streams, and the listener panics.
// Caught by: "clause 3: when nothing comes, XREAD returns redis.Nil and no streams"

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

func Listen(ctx context.Context, rdb *redis.Client, handle func(redis.XMessage)) error {
	lastID := "$" // only what comes after now; then always after what we received
	for ctx.Err() == nil {
		streams, err := rdb.XRead(ctx, &redis.XReadArgs{
			Streams: []string{stream, lastID},
			Block:   time.Second,
		}).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		for _, msg := range streams[0].Messages {
			handle(msg)
			lastID = msg.ID
		}
	}
	return nil
}
