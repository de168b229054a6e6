// Variant: XREAD, which reads strictly after an ID, with Block: -1 so that
// it never waits; its nil past the last entry is an empty page.

package exercise

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

func Page(ctx context.Context, rdb *redis.Client, after string, count int64) ([]redis.XMessage, error) {
	if after == "" {
		after = "0-0"
	}
	streams, err := rdb.XRead(ctx, &redis.XReadArgs{
		Streams: []string{stream, after},
		Count:   count,
		Block:   -1,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return []redis.XMessage{}, nil
	}
	if err != nil {
		return nil, err
	}
	return streams[0].Messages, nil
}
