// Mistake: the read's error thrown away: a failed read looks like an empty
// page, which the caller takes for the end of the stream.
// Caught by: "clause 6: check the read's error and return it"

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
	msgs, _ := rdb.XRangeN(ctx, stream, start, "+", count).Result()
	return msgs, nil
}
