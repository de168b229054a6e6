// Mistake: it returns how many entries it read, the failed one too.
// Caught by: "clause 5: it returned 10, the entries it read"

package exercise

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

func ConsumeBatch(ctx context.Context, rdb *redis.Client, consumer string, handle func(redis.XMessage) error) (int, error) {
	streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: group, Consumer: consumer, Streams: []string{stream, ">"}, Count: 10, Block: -1,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	msgs := streams[0].Messages
	for _, msg := range msgs {
		if handle(msg) != nil {
			continue
		}
		if err := rdb.XAck(ctx, stream, group, msg.ID).Err(); err != nil {
			return 0, err
		}
	}
	return len(msgs), nil
}
