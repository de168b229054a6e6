// Mistake: minIdle turned into milliseconds by hand, as a Duration: 120000
// ns, which go-redis sends as 1 ms, so everything is claimed.
// Caught by: "for less than minIdle, was taken: your XAUTOCLAIM asked for 1 ms of idle time"

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
			MinIdle: time.Duration(minIdle.Milliseconds()), Start: start, Count: 10,
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
		start = next
	}
}
