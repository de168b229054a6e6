// Mistake: the ID to read on from taken from the first entry of the batch, not
// the last: the rest of the batch comes again.
// Caught by: "clause 1: it handled 1-1 and 2-0 twice"

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
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		for _, msg := range streams[0].Messages {
			handle(msg)
		}
		lastID = streams[0].Messages[0].ID
	}
	return nil
}
