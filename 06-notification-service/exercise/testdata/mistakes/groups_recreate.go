// Mistake: XGROUP DESTROY, then CREATE, at every start: the group loses its
// pending entries and the entries not yet read.
// Caught by: "Do not destroy the group nor move it"

package exercise

import (
	"context"
	"strings"

	"github.com/redis/go-redis/v9"
)

func CreateGroups(ctx context.Context, rdb *redis.Client) error {
	for _, stream := range []string{orders, payments} {
		rdb.XGroupDestroy(ctx, stream, group) // fails when there is none yet: fine
		err := rdb.XGroupCreateMkStream(ctx, stream, group, "$").Err()
		if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
			return err
		}
	}
	return nil
}
