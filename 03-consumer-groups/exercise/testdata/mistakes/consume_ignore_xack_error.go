// Mistake: XACK's error is ignored: the caller believes the entry is
// done while it is still pending.
// Caught by: "clause 6: XACK answered an error, and ConsumeBatch returned nil"

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
		if handle(msg) != nil {
			continue
		}
		rdb.XAck(ctx, stream, group, msg.ID)
		acked++
	}
	return acked, nil
}
