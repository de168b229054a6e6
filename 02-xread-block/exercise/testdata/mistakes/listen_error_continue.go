// Mistake: every error treated as a quiet second: a read that fails is tried
// again at once, which spins while Redis is down, and the error is lost.
// Caught by: "clause 5: only redis.Nil means"

package exercise

import (
	"context"
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
		if err != nil {
			continue // nothing new, or a hiccup
		}
		for _, msg := range streams[0].Messages {
			handle(msg)
			lastID = msg.ID
		}
	}
	return nil
}
