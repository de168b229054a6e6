// Mistake: passes the fields to the script in its own order, and the script
// writes them from fixed positions: userId and productId change places.
// Caught by: "its userId is"

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

var payIfHeld = redis.NewScript(`
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  redis.call('XADD', KEYS[2], '*', 'userId', ARGV[3], 'productId', ARGV[4], 'price', ARGV[5],
    'paymentProcessId', ARGV[6], 'orderId', ARGV[7])
  return 1
end
return 0
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
			f := paymentFields(order, n)
			args := []any{group, order.ID, f[3], f[1], f[5], f[7], f[9]}
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
