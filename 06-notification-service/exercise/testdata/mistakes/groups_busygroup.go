// Mistake: BUSYGROUP returned as an error. The first start works; every
// restart fails.
// Caught by: "Treat it as success"

package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func CreateGroups(ctx context.Context, rdb *redis.Client) error {
	for _, stream := range []string{orders, payments} {
		err := rdb.XGroupCreateMkStream(ctx, stream, group, "$").Err()
		if err != nil {
			return err
		}
	}
	return nil
}
