// Mistake: NOMKSTREAM, to "not create keys by accident". On a first run the
// stream does not exist, so XADD adds nothing and replies nil.
// Caught by: "clause 1: XADD replied nil: it added nothing"

package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func AddNotification(ctx context.Context, rdb *redis.Client, user, message string) (string, error) {
	return rdb.XAdd(ctx, &redis.XAddArgs{
		Stream:     stream,
		NoMkStream: true,
		Values:     []string{user, message},
	}).Result()
}
