// Mistake: XRANGE's start includes its own ID, so each page begins with the
// last entry of the page before.
// Caught by: "clause 2: the page repeats 5-0"

package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func Page(ctx context.Context, rdb *redis.Client, after string, count int64) ([]redis.XMessage, error) {
	start := "-"
	if after != "" {
		start = after
	}
	return rdb.XRangeN(ctx, stream, start, "+", count).Result()
}
