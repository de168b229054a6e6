// Mistake: "(" before after, even when after is empty: "(" alone is no ID,
// so the first page is an error.
// Caught by: "clause 1: with after empty, start at -"

package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func Page(ctx context.Context, rdb *redis.Client, after string, count int64) ([]redis.XMessage, error) {
	return rdb.XRangeN(ctx, stream, "("+after, "+", count).Result()
}
