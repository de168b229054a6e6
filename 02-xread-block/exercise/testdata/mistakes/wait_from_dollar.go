// Mistake: "$" instead of after, as in the tutorial's listener: what is already
// there after after is skipped, and the call waits for what comes next.
// Caught by: "clause 1: $ means after the newest entry"

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

func WaitASecond(ctx context.Context, rdb *redis.Client, after string) ([]redis.XMessage, error) {
	streams, err := rdb.XRead(ctx, &redis.XReadArgs{
		Streams: []string{stream, "$"},
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
