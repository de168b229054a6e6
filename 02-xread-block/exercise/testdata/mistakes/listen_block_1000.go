// Mistake: Block: 1000, meant as milliseconds as in BLOCK 1000. It is 1000
// nanoseconds: go-redis sends BLOCK 0, which waits forever.
// Caught by: "clause 4: BLOCK 0 waits forever"

package exercise

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

func Listen(ctx context.Context, rdb *redis.Client, handle func(redis.XMessage)) error {
	lastID := "$" // only what comes after now; then always after what we received
	for ctx.Err() == nil {
		streams, err := rdb.XRead(ctx, &redis.XReadArgs{
			Streams: []string{stream, lastID},
			Block:   1000,
		}).Result()
		if errors.Is(err, redis.Nil) {
			continue // nothing new within a second
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
