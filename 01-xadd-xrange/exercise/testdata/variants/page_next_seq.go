// Variant: an inclusive start one sequence number after the ID after: the
// same millisecond, the next sequence, which leaves out after alone.

package exercise

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

func Page(ctx context.Context, rdb *redis.Client, after string, count int64) ([]redis.XMessage, error) {
	start := "-"
	if after != "" {
		ms, seq, _ := strings.Cut(after, "-")
		n, err := strconv.ParseUint(seq, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("page after %q: %w", after, err)
		}
		start = fmt.Sprintf("%s-%d", ms, n+1)
	}
	msgs, err := rdb.XRangeN(ctx, stream, start, "+", count).Result()
	if err != nil {
		return nil, fmt.Errorf("page after %q: %w", after, err)
	}
	return msgs, nil
}
