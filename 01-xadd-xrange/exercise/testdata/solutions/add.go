package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func AddNotification(ctx context.Context, rdb *redis.Client, user, message string) (string, error) {
	return rdb.XAdd(ctx, &redis.XAddArgs{
		Stream: stream,
		ID:     "*",
		Values: []string{user, message},
	}).Result()
}
