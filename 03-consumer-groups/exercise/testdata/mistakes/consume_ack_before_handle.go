// Mistake: XACK first, then handle "so that the entry is not done
// twice": when handle fails, the entry is already gone from the pending list.
// Caught by: "clause 3: acknowledge after handle returned nil, never before"

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
		if err := rdb.XAck(ctx, stream, group, msg.ID).Err(); err != nil {
			return acked, err
		}
		if handle(msg) == nil {
			acked++
		}
	}
	return acked, nil
}
