// Mistake: BUSYGROUP matched by its first word only, "BUSY". A Redis busy
// running a long script answers "BUSY Redis is busy running a script": taken
// for BUSYGROUP, and the service starts without its group.
// Caught by: "is no BUSYGROUP, and no group was created"

package exercise

import (
	"context"
	"strings"

	"github.com/redis/go-redis/v9"
)

func CreateGroups(ctx context.Context, rdb *redis.Client) error {
	for _, stream := range []string{orders, payments} {
		err := rdb.XGroupCreateMkStream(ctx, stream, group, "$").Err()
		if err != nil && !strings.HasPrefix(err.Error(), "BUSY") {
			return err
		}
	}
	return nil
}
