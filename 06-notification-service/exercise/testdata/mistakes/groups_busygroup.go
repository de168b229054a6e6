// Mistake: BUSYGROUP returned as an error. The first start works; every
// restart fails.
// Caught by: "BUSYGROUP means the group is already there"

package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func CreateGroups(ctx context.Context, rdb *redis.Client) error {
	for _, stream := range []string{orders, payments} {
		if err := rdb.XGroupCreateMkStream(ctx, stream, group, "$").Err(); err != nil {
			return err
		}
	}
	return nil
}
