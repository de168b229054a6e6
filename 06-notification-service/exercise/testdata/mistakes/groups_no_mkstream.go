// Mistake: XGROUP CREATE without MKSTREAM. It fails while the stream does
// not exist: a notification service started before the first order.
// Caught by: "add MKSTREAM"

package exercise

import (
	"context"
	"strings"

	"github.com/redis/go-redis/v9"
)

func CreateGroups(ctx context.Context, rdb *redis.Client) error {
	for _, stream := range []string{orders, payments} {
		err := rdb.XGroupCreate(ctx, stream, group, "$").Err()
		if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
			return err
		}
	}
	return nil
}
