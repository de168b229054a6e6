// Mistake: the ID made from the clock, <milliseconds>-0, as the lesson
// explains IDs. Two calls in one millisecond collide, and after an entry
// with an ID from the future every call is refused.
// Caught by: "clause 2: let Redis choose the ID"

package exercise

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

func AddNotification(ctx context.Context, rdb *redis.Client, user, message string) (string, error) {
	return rdb.XAdd(ctx, &redis.XAddArgs{
		Stream: stream,
		ID:     fmt.Sprintf("%d-0", time.Now().UnixMilli()),
		Values: []string{user, message},
	}).Result()
}
