// Mistake: COUNT 2, as in the README's XRANGE ... COUNT 2, instead of the
// count given.
// Caught by: "clause 4: 2 entries, though 3 were left"

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
	return rdb.XRangeN(ctx, stream, start, "+", 2).Result()
}
