// Mistake: the whole stream read with XRANGE - +, then the entries after
// after picked out in Go and cut to count: the page is right, but every
// call reads the whole stream, however long it grows.
// Caught by: "clause 4: never the whole stream: 8 entries came for a count of 2"

package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func Page(ctx context.Context, rdb *redis.Client, after string, count int64) ([]redis.XMessage, error) {
	all, err := rdb.XRange(ctx, stream, "-", "+").Result()
	if err != nil {
		return nil, err
	}
	page := []redis.XMessage{}
	for _, m := range all {
		if (after == "" || m.ID > after) && int64(len(page)) < count {
			page = append(page, m)
		}
	}
	return page, nil
}
