// Mistake: a failing handle ends Recover: it returns at once, and the
// entries after that one, idle as long, are never handled, though the
// failing one should only have stayed pending.
// Caught by: "clause 4: handle failed for 4-1 and Recover stopped there"

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
				return acked, nil
			}
			if err := rdb.XAck(ctx, stream, group, msg.ID).Err(); err != nil {
				return acked, err
			}
			acked++
		}
		if next == "0-0" {
			return acked, nil // the whole pending list has been scanned
		}
		start = next
	}
}
