package exercise

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

func Restart(ctx context.Context, rdb *redis.Client, consumer string, handle func(redis.XMessage) error) (int, error) {
	handled := 0
	id := "0" // first what we held when we died; then what is new
	for {
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer,
			Streams: []string{stream, id}, Count: 10, Block: -1,
		}).Result()
		if errors.Is(err, redis.Nil) {
			return handled, nil // '>' found nothing new
		}
		if err != nil {
			return handled, err
		}
		msgs := streams[0].Messages
		if len(msgs) == 0 {
			if id == ">" {
				return handled, nil
			}
			id = ">" // no pending entries left
			continue
		}
		for _, msg := range msgs {
			handled++
			if handle(msg) != nil {
				return handled, errors.New("handler failed: stopping, the entry stays pending")
			}
			if err := rdb.XAck(ctx, stream, group, msg.ID).Err(); err != nil {
				return handled, err
			}
		}
	}
}
