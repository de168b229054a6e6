// Mistake: its pending entries listed with XPENDING ... consumer-1, as the
// lesson lists them, and handle given only their IDs: XPENDING holds no
// fields, so handle gets entries with nothing in them.
// Caught by: "XPENDING lists the IDs of pending entries, not the entries"

package exercise

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

func Restart(ctx context.Context, rdb *redis.Client, consumer string, handle func(redis.XMessage) error) (int, error) {
	acked := 0
	work := func(msg redis.XMessage) error {
		if handle(msg) != nil {
			return nil // stays pending
		}
		if err := rdb.XAck(ctx, stream, group, msg.ID).Err(); err != nil {
			return err
		}
		acked++
		return nil
	}
	pending, err := rdb.XPendingExt(ctx, &redis.XPendingExtArgs{
		Stream: stream, Group: group, Consumer: consumer, Start: "-", End: "+", Count: 1000,
	}).Result()
	if err != nil {
		return acked, err
	}
	for _, p := range pending {
		if err := work(redis.XMessage{ID: p.ID}); err != nil {
			return acked, err
		}
	}
	for {
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer,
			Streams: []string{stream, ">"}, Count: 10, Block: -1,
		}).Result()
		if errors.Is(err, redis.Nil) {
			return acked, nil
		}
		if err != nil {
			return acked, err
		}
		for _, msg := range streams[0].Messages {
			if err := work(msg); err != nil {
				return acked, err
			}
		}
	}
}
