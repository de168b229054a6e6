// Mistake: COUNT 1, as in the lesson's XREAD COUNT 1: only the first of the
// entries waiting after after comes back.
// Caught by: "clause 1: only 1 of the 3 entries"

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
		Count:   1,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil // the second passed and nothing came
	}
	if err != nil {
		return nil, err
	}
	return streams[0].Messages, nil
}
