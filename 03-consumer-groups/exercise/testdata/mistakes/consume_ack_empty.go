// Mistake: one XACK for the batch, sent even when no handle succeeded: an
// XACK with no IDs is a syntax error, so a batch whose only entry fails
// returns an error instead of 0 and nil.
// Caught by: "clause 4: ConsumeBatch sent an XACK with no ID"

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
	switch {
	case errors.Is(err, redis.Nil):
		return 0, nil
	case err != nil:
		return 0, err
	}
	var done []string
	for _, msg := range streams[0].Messages {
		if err := handle(msg); err == nil {
			done = append(done, msg.ID)
		}
	}
	n, err := rdb.XAck(ctx, stream, group, done...).Result()
	return int(n), err
}
