// Mistake: Block: time.Second, carried over from lesson 02: the last
// '>' read waits a second for entries that may come, instead of ending.
// Caught by: "clause 2: Restart does not wait for entries to come, yet a read sent BLOCK 1000"

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

func Restart(ctx context.Context, rdb *redis.Client, consumer string, handle func(redis.XMessage) error) (int, error) {
	acked := 0
	id := "0" // first what we held when we died, after id; then what is new
	for {
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer,
			Streams: []string{stream, id}, Count: 10, Block: time.Second,
		}).Result()
		if errors.Is(err, redis.Nil) {
			return acked, nil // '>' found nothing new: done
		}
		if err != nil {
			return acked, err
		}
		msgs := streams[0].Messages
		if len(msgs) == 0 {
			if id == ">" {
				return acked, nil
			}
			id = ">" // no pending entries left
			continue
		}
		for _, msg := range msgs {
			if id != ">" {
				id = msg.ID // the next read of our pending entries starts after this one
			}
			if handle(msg) != nil {
				continue // stays pending; we have moved past it
			}
			if err := rdb.XAck(ctx, stream, group, msg.ID).Err(); err != nil {
				return acked, err
			}
			acked++
		}
	}
}
