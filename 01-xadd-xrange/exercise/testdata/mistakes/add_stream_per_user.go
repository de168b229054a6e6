// Mistake: one stream per user, user-notifications:<user>: a fine design,
// but the task's stream is user-notifications.
// Caught by: "clause 1: add to the stream user-notifications"

package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func AddNotification(ctx context.Context, rdb *redis.Client, user, message string) (string, error) {
	return rdb.XAdd(ctx, &redis.XAddArgs{
		Stream: stream + ":" + user,
		Values: []string{user, message},
	}).Result()
}
