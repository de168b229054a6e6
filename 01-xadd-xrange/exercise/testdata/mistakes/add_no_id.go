// Mistake: the entry is added, but the ID is not returned: only the error.
// Caught by: "clause 3: return the ID XADD replied"

package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func AddNotification(ctx context.Context, rdb *redis.Client, user, message string) (string, error) {
	err := rdb.XAdd(ctx, &redis.XAddArgs{
		Stream: stream,
		Values: []string{user, message},
	}).Err()
	return "", err
}
