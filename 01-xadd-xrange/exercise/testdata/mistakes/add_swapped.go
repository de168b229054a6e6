// Mistake: the message as the field's name and the user as its value: the
// tutorial's XADD user-notifications * user-a hi, read the other way round.
// Caught by: "clause 1: the field's name is the user"

package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func AddNotification(ctx context.Context, rdb *redis.Client, user, message string) (string, error) {
	return rdb.XAdd(ctx, &redis.XAddArgs{
		Stream: stream,
		Values: []string{message, user},
	}).Result()
}
