// Variant: the command as redis-cli takes it, with Do.

package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func AddNotification(ctx context.Context, rdb *redis.Client, user, message string) (string, error) {
	return rdb.Do(ctx, "XADD", stream, "*", user, message).Text()
}
