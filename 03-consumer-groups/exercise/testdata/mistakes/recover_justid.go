// Mistake: XAUTOCLAIM with JUSTID, "to claim cheaply": the reply holds the
// IDs only, and handle is given entries with no fields.
// Caught by: "clause 1: handle got 2-0 map[], but Redis holds 2-0"

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
		ids, next, err := rdb.XAutoClaimJustID(ctx, &redis.XAutoClaimArgs{
			Stream: stream, Group: group, Consumer: consumer,
			MinIdle: minIdle, Start: start, Count: 10,
		}).Result()
		if err != nil {
			return acked, err
		}
		for _, id := range ids {
			if handle(redis.XMessage{ID: id}) != nil {
				continue
			}
			if err := rdb.XAck(ctx, stream, group, id).Err(); err != nil {
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
