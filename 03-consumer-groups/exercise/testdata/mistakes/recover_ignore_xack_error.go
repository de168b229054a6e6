// Mistake: XACK's error is ignored: the caller believes the entry done
// while it is still pending.
// Caught by: "clause 6: XACK answered an error, and Recover returned nil"

package exercise

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

func Recover(ctx context.Context, rdb *redis.Client, consumer string, minIdle time.Duration, handle func(redis.XMessage) error) (int, error) {
	acked := 0
	start := "0-0"
	for {
		msgs, next, err := rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
			Stream: stream, Group: group, Consumer: consumer,
			MinIdle: minIdle, Start: start, Count: 10,
		}).Result()
		if err != nil {
			return acked, err
		}
		for _, msg := range msgs {
			if handle(msg) != nil {
				continue
			}
			rdb.XAck(ctx, stream, group, msg.ID)
			acked++
		}
		if next == "0-0" {
			return acked, nil
		}
		start = next
	}
}
