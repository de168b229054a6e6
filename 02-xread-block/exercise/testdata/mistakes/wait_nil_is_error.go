// Mistake: the timeout, redis.Nil, passed on as an error.
// Caught by: "clause 3: redis.Nil means the second passed"

package exercise

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

func WaitASecond(ctx context.Context, rdb *redis.Client, after string) ([]redis.XMessage, error) {
	streams, err := rdb.XRead(ctx, &redis.XReadArgs{
		Streams: []string{stream, after},
		Block:   time.Second,
	}).Result()
	if err != nil {
		return nil, err
	}
	return streams[0].Messages, nil
}
