// Mistake: the pending entries are replayed to the end, but the consumer
// never switches to ">": the entries added while it was down are never read.
// Caught by: "clause 2: when a read with ID 0 returns no entries, your pending list is done: then switch to '>'"

package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

func Restart(ctx context.Context, rdb *redis.Client, consumer string, handle func(redis.XMessage) error) (int, error) {
	acked := 0
	id := "0"
	for {
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer, Streams: []string{stream, id}, Count: 10, Block: -1,
		}).Result()
		if err != nil {
			return acked, err
		}
		msgs := streams[0].Messages
		if len(msgs) == 0 {
			return acked, nil
		}
		for _, msg := range msgs {
			id = msg.ID
			if handle(msg) != nil {
				continue
			}
			if err := rdb.XAck(ctx, stream, group, msg.ID).Err(); err != nil {
				return acked, err
			}
			acked++
		}
	}
}
