// Mistake: XADD's reply thrown away, and the ID read back as the stream's
// newest entry (XREVRANGE ... COUNT 1): right while nobody else writes,
// wrong as soon as another client adds an entry between the two commands.
// Caught by: "clause 3: the stream's newest entry is not always yours"

package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func AddNotification(ctx context.Context, rdb *redis.Client, user, message string) (string, error) {
	if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []string{user, message}}).Err(); err != nil {
		return "", err
	}
	last, err := rdb.XRevRangeN(ctx, stream, "+", "-", 1).Result()
	if err != nil {
		return "", err
	}
	return last[0].ID, nil
}
