// Mistake: the stream created with a placeholder entry, then the group at $:
// every other reader of the stream gets an entry that is no order.
// Caught by: "an entry written to create it would reach every reader"

package exercise

import (
	"context"
	"strings"

	"github.com/redis/go-redis/v9"
)

func CreateGroups(ctx context.Context, rdb *redis.Client) error {
	for _, stream := range []string{orders, payments} {
		if n, err := rdb.Exists(ctx, stream).Result(); err != nil {
			return err
		} else if n == 0 {
			if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []string{"init", "1"}}).Err(); err != nil {
				return err
			}
		}
		err := rdb.XGroupCreate(ctx, stream, group, "$").Err()
		if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
			return err
		}
	}
	return nil
}
