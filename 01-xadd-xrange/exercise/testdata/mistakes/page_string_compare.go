// Mistake: an inclusive start, one entry more than count, then the entries
// after after picked out in Go by comparing IDs as strings: right while
// every ID has as many digits, wrong once the milliseconds grow a digit
// ("10-0" < "9-1" as text), when the entries after after are left out.
// Caught by: "clause 2: the page leaves out 10-0, though it comes after 9-1"

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
	msgs, err := rdb.XRangeN(ctx, stream, start, "+", count+1).Result()
	if err != nil {
		return nil, err
	}
	page := []redis.XMessage{}
	for _, m := range msgs {
		if (after == "" || m.ID > after) && int64(len(page)) < count {
			page = append(page, m)
		}
	}
	return page, nil
}
