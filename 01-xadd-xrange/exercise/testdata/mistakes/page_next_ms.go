// Mistake: "strictly after" as the next millisecond: the ID's milliseconds
// plus one. Entries that share the millisecond of after (5-1 after 5-0) are
// skipped.
// Caught by: "clause 2: the page skips 5-1, the entry right after 5-0, in the same millisecond"

package exercise

import (
	"context"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

func Page(ctx context.Context, rdb *redis.Client, after string, count int64) ([]redis.XMessage, error) {
	start := "-"
	if after != "" {
		ms, _, _ := strings.Cut(after, "-")
		n, err := strconv.ParseInt(ms, 10, 64)
		if err != nil {
			return nil, err
		}
		start = strconv.FormatInt(n+1, 10)
	}
	return rdb.XRangeN(ctx, stream, start, "+", count).Result()
}
