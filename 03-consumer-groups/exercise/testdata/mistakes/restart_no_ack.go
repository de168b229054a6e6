// Mistake: handled, never acknowledged: the entries stay pending, and are
// handled again at the next restart.
// Caught by: "clause 3: 1-0…1-2 1-4…1-6 2-0 2-1 2-3…2-5 3-0…3-5 4-0 4-2…4-5 stayed pending although its handle returned nil"

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
		if len(msgs) == 0 {
			if id == ">" {
				return acked, nil
			}
			id = ">"
			continue
		}
		for _, msg := range msgs {
			if id != ">" {
				id = msg.ID
			}
			if handle(msg) == nil {
				acked++
			}
		}
	}
}
