// Mistake: reads its pending orders page by page, starting each page after the
// last ID plus one, as if the ID were included: an ID given to XREADGROUP is
// excluded already, so each page skips one order.
// Caught by: "again until a read returns none"

package exercise

import (
	"context"
	"errors"
	"fmt"
	"strings"
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
			return thenAckStop(ctx, err)
		}
		msgs := streams[0].Messages
		if id != ">" && len(msgs) == 0 {
			id = ">"
			continue
		}
		if id != ">" {
			last := strings.SplitN(msgs[len(msgs)-1].ID, "-", 2)
			var ms, seq int64
			fmt.Sscan(last[0], &ms)
			fmt.Sscan(last[1], &seq)
			id = fmt.Sprintf("%d-%d", ms, seq+1)
		}
		for _, order := range streams[0].Messages {
			n, err := rdb.Incr(ctx, paymentProcessIDs).Result()
			if err != nil {
				return thenAckStop(ctx, err)
			}
			if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: payments, Values: paymentFields(order, n)}).Err(); err != nil {
				return thenAckStop(ctx, err)
			}
			if err := rdb.XAck(ctx, orders, group, order.ID).Err(); err != nil {
				return thenAckStop(ctx, err)
			}
		}
	}
	return nil
}

func thenAckStop(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}
