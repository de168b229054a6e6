// Mistake: it returns how many entries it handled, the failed ones too.
// Caught by: "clause 5: it returned 25, the entries it handled"

package exercise

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

func Restart(ctx context.Context, rdb *redis.Client, consumer string, handle func(redis.XMessage) error) (int, error) {
	acked, handled := 0, 0
	id := "0"
	for {
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer,
			Streams: []string{stream, id}, Count: 10, Block: -1,
		}).Result()
		if errors.Is(err, redis.Nil) {
			return handled, nil
		}
		if err != nil {
			return acked, err
		}
		msgs := streams[0].Messages
		if len(msgs) == 0 {
			if id == ">" {
				return handled, nil
			}
			id = ">"
			continue
		}
		for _, msg := range msgs {
			handled++
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
	}
}
