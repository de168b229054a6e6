// Mistake: COUNT 10, as terminals.go's listen reads: right while ten or
// fewer entries wait after after, but when more do, only the first ten come
// back, and WaitASecond promises all of them.
// Caught by: "clause 1: only 10 of the 16 entries"

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
		Count:   10,
		Block:   time.Second,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return streams[0].Messages, nil
}
