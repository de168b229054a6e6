// Mistake: a group name of its own, "notification-service": Notify reads
// notification-service-group, which does not exist (NOGROUP).
// Caught by: "clause 1: the group notification-service-group on both streams"

package exercise

import (
	"context"
	"strings"

	"github.com/redis/go-redis/v9"
)

func CreateGroups(ctx context.Context, rdb *redis.Client) error {
	for _, stream := range []string{orders, payments} {
		err := rdb.XGroupCreateMkStream(ctx, stream, "notification-service", "$").Err()
		if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
			return err
		}
	}
	return nil
}
