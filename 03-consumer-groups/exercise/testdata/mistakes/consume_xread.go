// Mistake: XREAD from 0, as in lesson 02, then XACK: it reads the whole
// stream, also the entries the group gave to other consumers.
// Caught by: "clause 1: 1-0 belongs to consumer-2, which is still at work on it"

package exercise

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

func ConsumeBatch(ctx context.Context, rdb *redis.Client, consumer string, handle func(redis.XMessage) error) (int, error) {
	streams, err := rdb.XRead(ctx, &redis.XReadArgs{Streams: []string{stream, "0"}, Count: 10, Block: -1}).Result()
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
