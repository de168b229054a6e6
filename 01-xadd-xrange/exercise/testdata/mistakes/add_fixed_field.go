// Mistake: a field called "user" holding the user's name, and one called
// "message": a fine design, but not the tutorial's, whose field is the user.
// Caught by: "clause 1: the field's name is the user"

package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func AddNotification(ctx context.Context, rdb *redis.Client, user, message string) (string, error) {
	return rdb.XAdd(ctx, &redis.XAddArgs{
		Stream: stream,
		Values: []string{"user", user, "message", message},
	}).Result()
}
