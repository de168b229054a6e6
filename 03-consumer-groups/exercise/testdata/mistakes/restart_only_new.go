// Mistake: only ">" after a restart, as before the crash. The entries this
// consumer held when it died stay pending under its name, untouched.
// Caught by: "clause 1: after a restart, the entries you held are still yours"

package exercise

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

func Restart(ctx context.Context, rdb *redis.Client, consumer string, handle func(redis.XMessage) error) (int, error) {
	handled := 0
	for {
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer, Streams: []string{stream, ">"}, Count: 10, Block: -1,
		}).Result()
		if errors.Is(err, redis.Nil) {
			return handled, nil
		}
		if err != nil {
			return handled, err
		}
		for _, msg := range streams[0].Messages {
			if handle(msg) == nil {
				rdb.XAck(ctx, stream, group, msg.ID)
			}
		}
	}
}
