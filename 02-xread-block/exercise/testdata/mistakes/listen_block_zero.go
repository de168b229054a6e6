// Mistake: BLOCK 0, as the tutorial's redis-cli listener. It waits forever,
// so the listener never notices that it should stop.
// Caught by: "clause 4: BLOCK 0 waits forever"

package exercise

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

func Listen(ctx context.Context, rdb *redis.Client, handle func(redis.XMessage)) error {
	lastID := "$"
	for ctx.Err() == nil {
		streams, err := rdb.XRead(ctx, &redis.XReadArgs{
			Streams: []string{stream, lastID},
			Block:   0,
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
