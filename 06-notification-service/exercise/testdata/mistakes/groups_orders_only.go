// Mistake: the group created on order-events only: no SMS can ever be read.
// Caught by: "clause 1: the group notification-service-group on both streams"

package exercise

import (
	"context"
	"strings"

	"github.com/redis/go-redis/v9"
)

func CreateGroups(ctx context.Context, rdb *redis.Client) error {
	for _, stream := range []string{orders} {
		err := rdb.XGroupCreateMkStream(ctx, stream, group, "$").Err()
		if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
			return err
		}
	}
	return nil
}
