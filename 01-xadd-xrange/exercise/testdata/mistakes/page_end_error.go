// Mistake: an empty page turned into an error, "no more notifications".
// The caller asked for the next page; the answer is an empty one.
// Caught by: "clause 5: after the last entry, return an empty page and a nil error"

package exercise

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

func Page(ctx context.Context, rdb *redis.Client, after string, count int64) ([]redis.XMessage, error) {
	start := "-"
	if after != "" {
		start = "(" + after
	}
	msgs, err := rdb.XRangeN(ctx, stream, start, "+", count).Result()
	if err != nil {
		return nil, err
	}
	if len(msgs) == 0 {
		return nil, errors.New("no more notifications")
	}
	return msgs, nil
}
