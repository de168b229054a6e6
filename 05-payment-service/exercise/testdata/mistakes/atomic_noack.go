// Mistake: keeps NoAck: true from step 1: the order is never pending, so XACK
// answers 0 and the script pays nothing.
// Caught by: "read without NoAck"

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

var payIfHeld = redis.NewScript(`
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('XADD', KEYS[2], '*', unpack(ARGV, 3))
  return 1
end
return 0
`)

func PayAtomically(ctx context.Context, rdb *redis.Client, consumer string) error {
	id := "0"
	for ctx.Err() == nil {
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer, Streams: []string{orders, id}, Count: 10, Block: time.Second, NoAck: true,
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
