// Variant: the command as redis-cli takes it, through Do, and BUSYGROUP
// told by go-redis's redis.HasErrorPrefix.

package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func CreateGroups(ctx context.Context, rdb *redis.Client) error {
	for _, stream := range []string{orders, payments} {
		err := rdb.Do(ctx, "XGROUP", "CREATE", stream, group, "$", "MKSTREAM").Err()
		if err != nil && !redis.HasErrorPrefix(err, "BUSYGROUP") {
			return err
		}
	}
	return nil
}
