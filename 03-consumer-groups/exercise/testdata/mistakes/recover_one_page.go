// Mistake: one XAUTOCLAIM, as if its reply held every idle entry: a reply
// holds at most COUNT entries, and maybe none before the end.
// Caught by: "clause 1: 2-0…2-6 4-0…4-3 5-0 5-1, idle for minIdle or more, were not handled: Recover stopped after a reply with no entries, but its cursor was 1-30"

package exercise

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

func Recover(ctx context.Context, rdb *redis.Client, consumer string, minIdle time.Duration, handle func(redis.XMessage) error) (int, error) {
	msgs, _, err := rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
		Stream: stream, Group: group, Consumer: consumer,
		MinIdle: minIdle, Start: "0-0", Count: 10,
	}).Result()
	if err != nil {
		return 0, err
	}
	acked := 0
	for _, msg := range msgs {
		if handle(msg) != nil {
			continue
		}
		if err := rdb.XAck(ctx, stream, group, msg.ID).Err(); err != nil {
			return acked, err
		}
		acked++
	}
	return acked, nil
}
