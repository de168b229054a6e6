// Mistake: MAXLEN 2 from the README's Try this, to keep the stream small:
// each XADD trims the older notifications away.
// Caught by: "clause 1: the entries that were there before are gone"

package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func AddNotification(ctx context.Context, rdb *redis.Client, user, message string) (string, error) {
	return rdb.XAdd(ctx, &redis.XAddArgs{
		Stream: stream,
		MaxLen: 2,
		Values: []string{user, message},
	}).Result()
}
