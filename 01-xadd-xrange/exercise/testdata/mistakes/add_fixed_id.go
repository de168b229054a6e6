// Mistake: the ID from the lesson's first step, written in by hand. The first
// notification works; the second is refused, since IDs only grow.
// Caught by: "clause 2: let Redis choose the ID"

package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func AddNotification(ctx context.Context, rdb *redis.Client, user, message string) (string, error) {
	return rdb.XAdd(ctx, &redis.XAddArgs{
		Stream: stream,
		ID:     "1672992918152-0",
		Values: []string{user, message},
	}).Result()
}
