// Mistake: the pending entries are replayed, but the consumer never switches
// to ">": the entry added while it was down is never read.
// Caught by: "then switch to '>'"

package exercise

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

func Restart(ctx context.Context, rdb *redis.Client, consumer string, handle func(redis.XMessage) error) (int, error) {
	streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: group, Consumer: consumer, Streams: []string{stream, "0"}, Count: 10, Block: -1,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	handled := 0
	for _, msg := range streams[0].Messages {
		handled++
		if handle(msg) == nil {
			rdb.XAck(ctx, stream, group, msg.ID)
		}
	}
	return handled, nil
}
