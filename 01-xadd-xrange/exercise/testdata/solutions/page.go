package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func Page(ctx context.Context, rdb *redis.Client, after string, count int64) ([]redis.XMessage, error) {
	start := "-"
	if after != "" {
		start = "(" + after // ( excludes the entry we have already seen
	}
	return rdb.XRangeN(ctx, stream, start, "+", count).Result()
}
