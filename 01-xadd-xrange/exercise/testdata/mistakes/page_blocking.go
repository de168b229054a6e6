// Mistake: XREAD with BLOCK, as in lesson 02, so that the last page waits a
// second for new entries. A page is what is there now.
// Caught by: "clause 5: Page never waits"

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

func Page(ctx context.Context, rdb *redis.Client, after string, count int64) ([]redis.XMessage, error) {
	if after == "" {
		after = "0"
	}
	streams, err := rdb.XRead(ctx, &redis.XReadArgs{
		Streams: []string{stream, after},
		Count:   count,
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
