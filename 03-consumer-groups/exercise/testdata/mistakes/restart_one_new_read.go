// Mistake: one '>' read after the pending entries, as if it gave every new
// entry: a read gives at most COUNT, and the rest wait for the next restart.
// Caught by: "clause 2: handle saw 10 of the 12 new entries"

package exercise

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

func Restart(ctx context.Context, rdb *redis.Client, consumer string, handle func(redis.XMessage) error) (int, error) {
	acked := 0
	id := "0"
	for {
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer,
			Streams: []string{stream, id}, Count: 10, Block: -1,
		}).Result()
		if errors.Is(err, redis.Nil) {
			return acked, nil
		}
		if err != nil {
			return acked, err
		}
		msgs := streams[0].Messages
		if len(msgs) == 0 && id != ">" {
			id = ">"
			continue
		}
		for _, msg := range msgs {
			if id != ">" {
				id = msg.ID
			}
			if handle(msg) != nil {
				continue
			}
			if err := rdb.XAck(ctx, stream, group, msg.ID).Err(); err != nil {
				return acked, err
			}
			acked++
		}
		if id == ">" {
			return acked, nil // the new entries have been read
		}
	}
}
