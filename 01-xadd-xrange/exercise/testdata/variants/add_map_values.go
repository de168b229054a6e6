// Variant: Values as a map, no ID (go-redis sends * for an empty ID), and
// the command's Val and Err.

package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func AddNotification(ctx context.Context, rdb *redis.Client, user, message string) (string, error) {
	cmd := rdb.XAdd(ctx, &redis.XAddArgs{
		Stream: stream,
		Values: map[string]any{user: message},
	})
	if err := cmd.Err(); err != nil {
		return "", err
	}
	return cmd.Val(), nil
}
