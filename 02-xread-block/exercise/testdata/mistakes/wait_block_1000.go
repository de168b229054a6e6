// Mistake: Block: 1000, meant as milliseconds as in BLOCK 1000. It is 1000
// nanoseconds: go-redis sends BLOCK 0, which waits forever.
// Caught by: "clause 2: BLOCK 0 waits forever"

package exercise

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

func WaitASecond(ctx context.Context, rdb *redis.Client, after string) ([]redis.XMessage, error) {
	streams, err := rdb.XRead(ctx, &redis.XReadArgs{
		Streams: []string{stream, after},
		Block:   1000,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return streams[0].Messages, nil
}
