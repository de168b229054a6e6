// Mistake: the last '>' read answers redis.Nil, and Restart returns it as
// an error: the caller believes the restart failed.
// Caught by: "clause 2: Restart returned redis.Nil: that is how the last '>' read says nothing new waits"

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
			return acked, err
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
