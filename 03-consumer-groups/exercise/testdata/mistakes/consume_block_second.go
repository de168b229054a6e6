// Mistake: Block: time.Second, carried over from lesson 02: when nothing
// new waits, each turn waits a second instead of answering at once.
// Caught by: "clause 2: ConsumeBatch does not wait for entries to come, yet a read sent BLOCK 1000"

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

func ConsumeBatch(ctx context.Context, rdb *redis.Client, consumer string, handle func(redis.XMessage) error) (int, error) {
	streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: group, Consumer: consumer,
		Streams: []string{stream, ">"},
		Count:   10,
		Block:   time.Second, // as in lesson 02
	}).Result()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	acked := 0
	for _, msg := range streams[0].Messages {
		if handle(msg) != nil {
			continue // not acknowledged: it stays pending, to be tried again
		}
		if err := rdb.XAck(ctx, stream, group, msg.ID).Err(); err != nil {
			return acked, err
		}
		acked++
	}
	return acked, nil
}
