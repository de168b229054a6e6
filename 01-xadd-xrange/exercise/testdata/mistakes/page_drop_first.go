// Mistake: an inclusive start, then the first entry dropped, always: right while
// after is in the stream, wrong once it was trimmed or deleted, when the
// entry right after it is dropped instead.
// Caught by: "clause 2: the page skips 7-0, the entry right after 6-0"

package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func Page(ctx context.Context, rdb *redis.Client, after string, count int64) ([]redis.XMessage, error) {
	if after == "" {
		return rdb.XRangeN(ctx, stream, "-", "+", count).Result()
	}
	msgs, err := rdb.XRangeN(ctx, stream, after, "+", count+1).Result()
	if err != nil || len(msgs) == 0 {
		return msgs, err
	}
	return msgs[1:], nil
}
