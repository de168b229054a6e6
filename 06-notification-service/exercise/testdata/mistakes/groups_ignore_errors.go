// Mistake: every error taken for BUSYGROUP: a stream that holds a string, or a
// Redis that refuses writes, and the service starts without its groups.
// Caught by: "clause 5: any error other than BUSYGROUP is returned"

package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func CreateGroups(ctx context.Context, rdb *redis.Client) error {
	for _, stream := range []string{orders, payments} {
		rdb.XGroupCreateMkStream(ctx, stream, group, "$") // fails only when it exists
	}
	return nil
}
