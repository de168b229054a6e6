// One script call per batch: for each order, XACK, and only when it answered
// 1, INCR and XADD. A batch costs one round trip.

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

var payBatch = redis.NewScript(`
local paid = 0
for i = 2, #ARGV, 5 do
  if redis.call('XACK', KEYS[1], ARGV[1], ARGV[i]) == 1 then
    local n = redis.call('INCR', KEYS[3])
    redis.call('XADD', KEYS[2], '*', 'userId', ARGV[i + 1], 'productId', ARGV[i + 2],
      'price', ARGV[i + 3], 'paymentProcessId', n, 'orderId', ARGV[i + 4])
    paid = paid + 1
  end
end
return paid
`)

func PayAtomically(ctx context.Context, rdb *redis.Client, consumer string) error {
	pending := true
	for ctx.Err() == nil {
		id := ">"
		if pending {
			id = "0"
		}
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer, Streams: []string{orders, id}, Count: 20, Block: time.Second,
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
		batch := streams[0].Messages
		if pending && len(batch) == 0 {
			pending = false
			continue
		}
		if len(batch) == 0 {
			continue
		}
		args := []any{group}
		for _, order := range batch {
			f := paymentFields(order, 0)
			args = append(args, order.ID, f[1], f[3], f[5], f[9])
		}
		if err := payBatch.Run(ctx, rdb, []string{orders, payments, paymentProcessIDs}, args...).Err(); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
	return nil
}
