// Mistake: it returns how many entries it claimed, the failed one too.
// Caught by: "clause 5: it returned 13, the entries it claimed"

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
			acked++
			if handle(msg) != nil {
				continue
			}
			if err := rdb.XAck(ctx, stream, group, msg.ID).Err(); err != nil {
				return acked, err
			}
		}
		if next == "0-0" {
			return acked, nil
		}
		start = next
	}
}
