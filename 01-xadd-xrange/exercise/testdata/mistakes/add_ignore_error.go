// Mistake: XADD's error thrown away. When XADD fails, the caller gets an
// empty ID and no error, and believes the notification was sent.
// Caught by: "clause 4: check XADD's error and return it"

package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func AddNotification(ctx context.Context, rdb *redis.Client, user, message string) (string, error) {
	id, _ := rdb.XAdd(ctx, &redis.XAddArgs{
		Stream: stream,
		ID:     "*",
		Values: []string{user, message},
	}).Result()
	return id, nil
}
