// The payment and the ack in one MULTI/EXEC: no crash falls between them.
// (A takeover still pays twice: that is step 3.)

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

func PayThenAck(ctx context.Context, rdb *redis.Client, consumer string) error {
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
			n, err := rdb.Incr(ctx, paymentProcessIDs).Result()
			if err == nil {
				_, err = rdb.TxPipelined(ctx, func(tx redis.Pipeliner) error {
					tx.XAdd(ctx, &redis.XAddArgs{Stream: payments, Values: paymentFields(order, n)})
					tx.XAck(ctx, orders, group, order.ID)
					return nil
				})
			}
			if err != nil && ctx.Err() == nil {
				return err
			}
		}
	}
	return nil
}
