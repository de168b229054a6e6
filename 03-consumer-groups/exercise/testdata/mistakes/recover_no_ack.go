// Mistake: the claimed entries are handled but not acknowledged. They stay
// pending, now under the rescuer's name, and will be claimed again.
// Caught by: "clause 3: 2-0…2-6 4-0 4-2 4-3 5-0 5-1 stayed pending, now under rescuer"

package exercise

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

func Recover(ctx context.Context, rdb *redis.Client, consumer string, minIdle time.Duration, handle func(redis.XMessage) error) (int, error) {
	handled := 0
	start := "0-0"
	for {
		msgs, next, err := rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
			Stream: stream, Group: group, Consumer: consumer, MinIdle: minIdle, Start: start, Count: 10,
		}).Result()
		if err != nil {
			return handled, err
		}
		for _, msg := range msgs {
			if handle(msg) == nil {
				handled++
			}
		}
		if next == "0-0" {
			return handled, nil
		}
		start = next
	}
}
