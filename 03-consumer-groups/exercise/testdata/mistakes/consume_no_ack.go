// Mistake: handled, never acknowledged: every entry stays pending, and
// will be handled again after a restart.
// Caught by: "clause 3: 5-0 5-1 5-3…5-6 6-0…6-2 stayed pending although its handle returned nil"

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
	acked := 0
	for _, msg := range streams[0].Messages {
		if handle(msg) == nil {
			acked++
		}
	}
	return acked, nil
}
