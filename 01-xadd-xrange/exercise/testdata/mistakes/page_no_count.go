// Mistake: no COUNT, so the first "page" is the whole stream.
// Caught by: "clause 4: 8 entries for a count of 2: pass COUNT"

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
	return rdb.XRange(ctx, stream, start, "+").Result()
}
