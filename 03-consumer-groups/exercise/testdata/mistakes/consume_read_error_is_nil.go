// Mistake: any error of the read taken for "nothing new": a Redis
// that refuses the read looks like a quiet stream.
// Caught by: "clause 6: XREADGROUP answered an error, and ConsumeBatch returned nil"

package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func ConsumeBatch(ctx context.Context, rdb *redis.Client, consumer string, handle func(redis.XMessage) error) (int, error) {
	streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: group, Consumer: consumer, Streams: []string{stream, ">"}, Count: 10, Block: -1,
	}).Result()
	if err != nil {
		return 0, nil // nothing new
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
