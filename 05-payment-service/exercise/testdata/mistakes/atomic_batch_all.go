// Mistake: one script per batch, with one XACK of all the batch's IDs, and
// every payment of the batch added only when it answered as many as the
// batch holds. When another consumer took over one order of the batch, XACK
// answers one fewer: the script acks the others and pays none of them.
// Caught by: "the fence is per order: one XACK per order"

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

var payBatchAll = redis.NewScript(`
local ids = {}
for i = 2, #ARGV, 5 do
  ids[#ids + 1] = ARGV[i]
end
if redis.call('XACK', KEYS[1], ARGV[1], unpack(ids)) == #ids then
  for i = 2, #ARGV, 5 do
    local n = redis.call('INCR', KEYS[3])
    redis.call('XADD', KEYS[2], '*', 'userId', ARGV[i + 1], 'productId', ARGV[i + 2],
      'price', ARGV[i + 3], 'paymentProcessId', n, 'orderId', ARGV[i + 4])
  end
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
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		batch := streams[0].Messages
		if id == "0" && len(batch) == 0 {
			id = ">"
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
		if err := payBatchAll.Run(ctx, rdb, []string{orders, payments, paymentProcessIDs}, args...).Err(); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
	return nil
}
