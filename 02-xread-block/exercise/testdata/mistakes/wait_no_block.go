// Mistake: Block: -1, read as "no limit": go-redis sends no BLOCK, and XREAD
// answers at once instead of waiting a second.
// Caught by: "clause 2: Block is a time.Duration"

package exercise

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

func WaitASecond(ctx context.Context, rdb *redis.Client, after string) ([]redis.XMessage, error) {
	streams, err := rdb.XRead(ctx, &redis.XReadArgs{
		Streams: []string{stream, after},
		Block:   -1,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil // the second passed and nothing came
	}
	if err != nil {
		return nil, err
	}
	return streams[0].Messages, nil
}
