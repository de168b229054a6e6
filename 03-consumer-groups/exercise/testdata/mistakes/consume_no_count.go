// Mistake: no COUNT: XREADGROUP hands out every entry that waits, 13 here,
// and the batch is not the 10 the task asks for.
// Caught by: "clause 1: handle saw 13 entries: read COUNT 10"

package exercise

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

func ConsumeBatch(ctx context.Context, rdb *redis.Client, consumer string, handle func(redis.XMessage) error) (int, error) {
	streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: group, Consumer: consumer, Streams: []string{stream, ">"}, Block: -1,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	acked := 0
	for _, msg := range streams[0].Messages {
		if handle(msg) != nil {
			continue
		}
		if err := rdb.XAck(ctx, stream, group, msg.ID).Err(); err != nil {
			return acked, err
		}
		acked++
	}
	return acked, nil
}
