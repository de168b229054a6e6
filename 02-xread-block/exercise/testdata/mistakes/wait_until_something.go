// Mistake: a loop until something comes: on redis.Nil it reads again, so a
// quiet stream never returns, and "a second" becomes forever.
// Caught by: "clause 3: WaitASecond waits one second, not until something comes"

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

func WaitASecond(ctx context.Context, rdb *redis.Client, after string) ([]redis.XMessage, error) {
	for {
		streams, err := rdb.XRead(ctx, &redis.XReadArgs{
			Streams: []string{stream, after},
			Block:   time.Second,
		}).Result()
		if errors.Is(err, redis.Nil) {
			continue // nothing yet: wait again
		}
		if err != nil {
			return nil, err
		}
		return streams[0].Messages, nil
	}
}
