// Mistake: BUSYGROUP compared with ==: the error's text is "BUSYGROUP Consumer
// Group name already exists", so every restart fails.
// Caught by: "the whole message is"

package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func CreateGroups(ctx context.Context, rdb *redis.Client) error {
	for _, stream := range []string{orders, payments} {
		err := rdb.XGroupCreateMkStream(ctx, stream, group, "$").Err()
		if err != nil && err.Error() != "BUSYGROUP" {
			return err
		}
	}
	return nil
}
