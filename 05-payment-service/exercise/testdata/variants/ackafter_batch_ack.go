// Pending orders page by page, each page read after the last ID of the one
// before; a whole batch paid, then acked with one XACK.

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

func PayThenAck(ctx context.Context, rdb *redis.Client, consumer string) error {
	stop := func(err error) error {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	next := "0-0"
	for ctx.Err() == nil {
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer, Streams: []string{orders, next}, Count: 25, Block: 500 * time.Millisecond,
		}).Result()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil {
			return stop(err)
		}
		batch := streams[0].Messages
		if next != ">" {
			if len(batch) == 0 {
				next = ">"
				continue
			}
			next = batch[len(batch)-1].ID
		}
		ids := make([]string, 0, len(batch))
		for _, order := range batch {
			n, err := rdb.Incr(ctx, paymentProcessIDs).Result()
			if err != nil {
				return stop(err)
			}
			if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: payments, Values: paymentFields(order, n)}).Err(); err != nil {
				return stop(err)
			}
			ids = append(ids, order.ID)
		}
		if len(ids) > 0 {
			if err := rdb.XAck(ctx, orders, group, ids...).Err(); err != nil {
				return stop(err)
			}
		}
	}
	return nil
}
