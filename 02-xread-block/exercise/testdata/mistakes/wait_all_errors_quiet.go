// Mistake: every error taken for a quiet second: a read that fails returns no
// entries and no error, and the caller cannot tell.
// Caught by: "clause 4: only redis.Nil means a quiet second"

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
		return nil, nil // nothing came
	}
	return streams[0].Messages, nil
}
