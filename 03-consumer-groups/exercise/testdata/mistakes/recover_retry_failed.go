// Mistake: handle is called again until it succeeds: a poison event would
// hold the rescuer in a tight loop.
// Caught by: "clause 4: handle was called again for 4-1 after it failed"

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
			for handle(msg) != nil {
			}
			if err := rdb.XAck(ctx, stream, group, msg.ID).Err(); err != nil {
				return acked, err
			}
			acked++
		}
		if next == "0-0" {
			return acked, nil
		}
		start = next
	}
}
