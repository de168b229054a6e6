// Mistake: XREAD without BLOCK, which reads strictly after an ID; but past
// the last entry it answers nil, and redis.Nil is passed on as an error.
// Caught by: "clause 5: XREAD answers redis.Nil when nothing is left"

package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func Page(ctx context.Context, rdb *redis.Client, after string, count int64) ([]redis.XMessage, error) {
	if after == "" {
		after = "0"
	}
	streams, err := rdb.XRead(ctx, &redis.XReadArgs{
		Streams: []string{stream, after},
		Count:   count,
		Block:   -1,
	}).Result()
	if err != nil {
		return nil, err
	}
	return streams[0].Messages, nil
}
