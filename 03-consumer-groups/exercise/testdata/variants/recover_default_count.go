// Variant: XAUTOCLAIM without COUNT (Redis's default, 100), a for loop that
// carries the cursor, and one XACK per page for the entries handled.

package exercise

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

func Recover(ctx context.Context, rdb *redis.Client, consumer string, minIdle time.Duration, handle func(redis.XMessage) error) (int, error) {
	acked := 0
	for cursor := "0-0"; ; {
		msgs, next, err := rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
			Stream: stream, Group: group, Consumer: consumer, MinIdle: minIdle, Start: cursor,
		}).Result()
		if err != nil {
			return acked, err
		}
		var done []string
		for _, msg := range msgs {
			if handle(msg) == nil {
				done = append(done, msg.ID)
			}
		}
		if len(done) > 0 {
			n, err := rdb.XAck(ctx, stream, group, done...).Result()
			acked += int(n)
			if err != nil {
				return acked, err
			}
		}
		if cursor = next; cursor == "0-0" {
			return acked, nil
		}
	}
}
