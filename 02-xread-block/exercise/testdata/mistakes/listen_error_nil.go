// Mistake: a failed read ends the listener as if it had been stopped: it
// returns nil, and the caller never learns why it stopped.
// Caught by: "clause 5: return the read's error unless it is redis.Nil"

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
			continue // nothing new within a second
		}
		if err != nil {
			return nil // stopped
		}
		for _, msg := range streams[0].Messages {
			handle(msg)
			lastID = msg.ID
		}
	}
	return nil
}
