// Variant: the loop of the Redis documentation's consumer example: one read
// loop with a "check the backlog" flag and the last ID seen, COUNT 3.

package exercise

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

func Restart(ctx context.Context, rdb *redis.Client, consumer string, handle func(redis.XMessage) error) (int, error) {
	acked := 0
	lastID, checkBacklog := "0-0", true
	for {
		id := ">"
		if checkBacklog {
			id = lastID
		}
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer, Streams: []string{stream, id}, Count: 3, Block: -1,
		}).Result()
		if errors.Is(err, redis.Nil) {
			return acked, nil
		}
		if err != nil {
			return acked, err
		}
		msgs := streams[0].Messages
		if len(msgs) == 0 {
			if !checkBacklog {
				return acked, nil
			}
			checkBacklog = false
			continue
		}
		for _, msg := range msgs {
			lastID = msg.ID
			if err := handle(msg); err != nil {
				continue
			}
			if err := rdb.XAck(ctx, stream, group, msg.ID).Err(); err != nil {
				return acked, err
			}
			acked++
		}
	}
}
