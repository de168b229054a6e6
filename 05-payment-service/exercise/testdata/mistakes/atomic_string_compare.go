// Mistake: compares XACK's reply with the string '1': the reply is a Lua
// number, never equal to a string, so the script acks every order and pays none.
// Caught by: "compare it with == 1 (not with '1'"

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

var payIfHeld = redis.NewScript(`
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == '1' then
  redis.call('XADD', KEYS[2], '*', unpack(ARGV, 3))
end
return 1
`)

func PayAtomically(ctx context.Context, rdb *redis.Client, consumer string) error {
	id := "0"
	for ctx.Err() == nil {
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer, Streams: []string{orders, id}, Count: 10, Block: time.Second,
		}).Result()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil {
			return atomicStop(ctx, err)
		}
		if id == "0" && len(streams[0].Messages) == 0 {
			id = ">"
			continue
		}
		for _, order := range streams[0].Messages {
			n, err := rdb.Incr(ctx, paymentProcessIDs).Result()
			if err != nil {
				return atomicStop(ctx, err)
			}
			args := append([]any{group, order.ID}, paymentFields(order, n)...)
			if err := payIfHeld.Run(ctx, rdb, []string{orders, payments}, args...).Err(); err != nil {
				return atomicStop(ctx, err)
			}
		}
	}
	return nil
}

func atomicStop(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}
