// Mistake: the ID of the last entry received kept in a package-level
// variable: right for one call, but the next call of Listen starts where
// the previous one stopped, not from $, and handles entries added while no
// Listen ran.
// Caught by: "clause 1: each call of Listen starts afresh from $"

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// lastID is where the listener is: after the last entry it received.
var lastID = "$"

func Listen(ctx context.Context, rdb *redis.Client, handle func(redis.XMessage)) error {
	for ctx.Err() == nil {
		streams, err := rdb.XRead(ctx, &redis.XReadArgs{
			Streams: []string{stream, lastID},
			Block:   time.Second,
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
		for _, msg := range streams[0].Messages {
			handle(msg)
			lastID = msg.ID
		}
	}
	return nil
}
