// Mistake: "0" instead of after: every entry of the stream comes back, the
// ones up to after included.
// Caught by: "clause 1: strictly after the ID after"

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

func WaitASecond(ctx context.Context, rdb *redis.Client, after string) ([]redis.XMessage, error) {
	streams, err := rdb.XRead(ctx, &redis.XReadArgs{
		Streams: []string{stream, "0"},
		Block:   time.Second,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil // the second passed and nothing came
	}
	if err != nil {
		return nil, err
	}
	return streams[0].Messages, nil
}
