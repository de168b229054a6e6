// Mistake: XAUTOCLAIM with min-idle 0 to get "the pending entries" back: it
// takes every consumer's pending entries, not only this consumer's own.
// Caught by: "clause 1: 1-0 belongs to consumer-1: Restart handles only consumer's own pending entries"

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
			return nil
		}
		if err := rdb.XAck(ctx, stream, group, msg.ID).Err(); err != nil {
			return err
		}
		acked++
		return nil
	}
	start := "0-0"
	for {
		msgs, next, err := rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
			Stream: stream, Group: group, Consumer: consumer, MinIdle: 0, Start: start, Count: 10,
		}).Result()
		if err != nil {
			return acked, err
		}
		for _, msg := range msgs {
			if err := work(msg); err != nil {
				return acked, err
			}
		}
		if next == "0-0" {
			break
		}
		start = next
	}
	for {
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer, Streams: []string{stream, ">"}, Count: 10, Block: -1,
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
