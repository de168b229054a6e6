// Mistake: every XAUTOCLAIM starts from 0-0 again instead of the cursor:
// it never gets past the first 10 x COUNT pending entries, and loops.
// Caught by: "clause 1: call XAUTOCLAIM again from the cursor the last reply returned (its Start), not from 0-0 again"

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
			if err := rdb.XAck(ctx, stream, group, msg.ID).Err(); err != nil {
				return acked, err
			}
			acked++
		}
		if next == "0-0" {
			return acked, nil
		}
		start = "0-0"
	}
}
