// Variant: XAUTOCLAIM sent as a raw command with Do, as redis-cli would
// write it, and its reply read by hand.

package exercise

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

func Recover(ctx context.Context, rdb *redis.Client, consumer string, minIdle time.Duration, handle func(redis.XMessage) error) (int, error) {
	acked := 0
	cursor := "0-0"
	for {
		reply, err := rdb.Do(ctx, "XAUTOCLAIM", stream, group, consumer, minIdle.Milliseconds(), cursor, "COUNT", 25).Slice()
		if err != nil {
			return acked, err
		}
		if len(reply) < 2 {
			return acked, fmt.Errorf("XAUTOCLAIM: unexpected reply %v", reply)
		}
		cursor = fmt.Sprint(reply[0])
		entries, _ := reply[1].([]any)
		for _, e := range entries {
			pair, ok := e.([]any)
			if !ok || len(pair) != 2 {
				continue // an entry deleted from the stream
			}
			msg := redis.XMessage{ID: fmt.Sprint(pair[0]), Values: map[string]any{}}
			fields, _ := pair[1].([]any)
			for i := 0; i+1 < len(fields); i += 2 {
				msg.Values[fmt.Sprint(fields[i])] = fields[i+1]
			}
			if handle(msg) != nil {
				continue
			}
			if err := rdb.XAck(ctx, stream, group, msg.ID).Err(); err != nil {
				return acked, err
			}
			acked++
		}
		if cursor == "0-0" {
			return acked, nil
		}
	}
}
