// Mistake: XREVRANGE, newest first, as for "the latest notifications".
// Caught by: "clause 3: oldest first"

package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func Page(ctx context.Context, rdb *redis.Client, after string, count int64) ([]redis.XMessage, error) {
	start := "-"
	if after != "" {
		start = "(" + after
	}
	return rdb.XRevRangeN(ctx, stream, "+", start, count).Result()
}
