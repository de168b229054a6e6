// Variant: one read without COUNT gives every pending entry at once (there
// are never many: at most what one batch held when the consumer died), then
// the new entries one at a time.

package exercise

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

func Restart(ctx context.Context, rdb *redis.Client, consumer string, handle func(redis.XMessage) error) (int, error) {
	acked := 0
	work := func(msgs []redis.XMessage) error {
		for _, msg := range msgs {
			if handle(msg) != nil {
				continue
			}
			if err := rdb.XAck(ctx, stream, group, msg.ID).Err(); err != nil {
				return err
			}
			acked++
		}
		return nil
	}
	backlog, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: group, Consumer: consumer, Streams: []string{stream, "0"}, Block: -1,
	}).Result()
	if err != nil {
		return 0, err
	}
	if err := work(backlog[0].Messages); err != nil {
		return acked, err
	}
	for {
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer, Streams: []string{stream, ">"}, Count: 1, Block: -1,
		}).Result()
		if errors.Is(err, redis.Nil) {
			return acked, nil
		}
		if err != nil {
			return acked, err
		}
		if err := work(streams[0].Messages); err != nil {
			return acked, err
		}
	}
}
