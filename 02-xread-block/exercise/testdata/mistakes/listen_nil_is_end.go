// Mistake: redis.Nil taken for the end of the stream: the listener returns nil
// after its first quiet second.
// Caught by: "clause 3: a quiet second is not the end"

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
		if errors.Is(err, redis.Nil) {
			return nil
		}
		if err != nil {
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
