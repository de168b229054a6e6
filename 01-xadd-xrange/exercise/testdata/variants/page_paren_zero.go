// Variant: an empty after read as 0-0, an ID no entry can have, so that the
// start is always exclusive.

package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func Page(ctx context.Context, rdb *redis.Client, after string, count int64) ([]redis.XMessage, error) {
	if after == "" {
		after = "0-0"
	}
	cmd := rdb.XRangeN(ctx, stream, "("+after, "+", count)
	if err := cmd.Err(); err != nil {
		return nil, err
	}
	return cmd.Val(), nil
}
