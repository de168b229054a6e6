// Mistake: redis.Nil let through to streams[0]: a quiet second has no streams,
// and the call panics.
// Caught by: "clause 3: when nothing comes, XREAD returns redis.Nil and no streams"

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

func WaitASecond(ctx context.Context, rdb *redis.Client, after string) ([]redis.XMessage, error) {
	streams, err := rdb.XRead(ctx, &redis.XReadArgs{
		Streams: []string{stream, after},
		Block:   time.Second,
	}).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, err
	}
	return streams[0].Messages, nil
}
