// Variant: two reads of COUNT 5 make the batch of 10 (the second only when
// the first was full), and the XACKs of each read go in one pipeline.

package exercise

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

func ConsumeBatch(ctx context.Context, rdb *redis.Client, consumer string, handle func(redis.XMessage) error) (int, error) {
	acked := 0
	for range 2 {
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer, Streams: []string{stream, ">"}, Count: 5, Block: -1,
		}).Result()
		if errors.Is(err, redis.Nil) {
			return acked, nil
		}
		if err != nil {
			return acked, err
		}
		msgs := streams[0].Messages
		pipe := rdb.Pipeline()
		acks := 0
		for _, msg := range msgs {
			if handle(msg) == nil {
				pipe.XAck(ctx, stream, group, msg.ID)
				acks++
			}
		}
		if acks > 0 {
			if _, err := pipe.Exec(ctx); err != nil {
				return acked, err
			}
			acked += acks
		}
		if len(msgs) < 5 {
			break
		}
	}
	return acked, nil
}
