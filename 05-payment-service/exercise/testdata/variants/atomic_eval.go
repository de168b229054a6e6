// EVAL with the script's text each time, and the number from INCR inside the
// script: only a paid order takes one.

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

const payIfPending = `
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) ~= 1 then
  return 0
end
local n = redis.call('INCR', KEYS[3])
redis.call('XADD', KEYS[2], '*', 'userId', ARGV[3], 'productId', ARGV[4], 'price', ARGV[5],
  'paymentProcessId', n, 'orderId', ARGV[6])
return n
`

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
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if id == "0" && len(streams[0].Messages) == 0 {
			id = ">"
			continue
		}
		for _, order := range streams[0].Messages {
			f := paymentFields(order, 0) // the number comes from the script
			err := rdb.Eval(ctx, payIfPending, []string{orders, payments, paymentProcessIDs},
				group, order.ID, f[1], f[3], f[5], f[9]).Err()
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return err
			}
		}
	}
	return nil
}
