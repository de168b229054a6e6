// Mistake: the group created at "0": the service's first start mails every
// order and texts every payment ever written.
// Caught by: "The entries written before are not delivered"

package exercise

import (
	"context"
	"strings"

	"github.com/redis/go-redis/v9"
)

func CreateGroups(ctx context.Context, rdb *redis.Client) error {
	for _, stream := range []string{orders, payments} {
		err := rdb.XGroupCreateMkStream(ctx, stream, group, "0").Err()
		if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
			return err
		}
	}
	return nil
}
