// Mistake: the command's String() returned as the ID: it is the command as
// text with its reply, "xadd user-notifications * user-a hi: 1-0".
// Caught by: "that is the command as text"

package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func AddNotification(ctx context.Context, rdb *redis.Client, user, message string) (string, error) {
	cmd := rdb.XAdd(ctx, &redis.XAddArgs{
		Stream: stream,
		Values: []string{user, message},
	})
	return cmd.String(), cmd.Err()
}
