// Variant: another loop shape. The pending entries are read with a cursor
// per stream, the last ID read, so that an entry whose send failed is not
// read again at once; the entries are acked in one XACK per stream at the
// end of each batch; Count 5 and Block 2 s.

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

func Notify(ctx context.Context, rdb *redis.Client, consumer string, send func(Notification) error) error {
	kinds := map[string]string{orders: "mail", payments: "sms"}
	cursor := map[string]string{orders: "0", payments: "0"} // ">" once its pending entries are done
	for ctx.Err() == nil {
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer,
			Streams: []string{orders, payments, cursor[orders], cursor[payments]},
			Count:   5, Block: 2 * time.Second,
		}).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		got := map[string]int{}
		for _, s := range streams {
			var done []string
			for _, msg := range s.Messages {
				got[s.Stream]++
				if cursor[s.Stream] != ">" {
					cursor[s.Stream] = msg.ID
				}
				if handled(ctx, rdb, kinds[s.Stream], msg, send) {
					done = append(done, msg.ID)
				}
			}
			if len(done) > 0 {
				if err := rdb.XAck(ctx, s.Stream, group, done...).Err(); err != nil {
					return err
				}
			}
		}
		for _, stream := range []string{orders, payments} {
			if cursor[stream] != ">" && got[stream] == 0 {
				cursor[stream] = ">"
			}
		}
	}
	return nil
}

// handled sends the entry's notification unless it was sent, records it,
// and reports whether the entry may be acked.
func handled(ctx context.Context, rdb *redis.Client, kind string, msg redis.XMessage, send func(Notification) error) bool {
	orderID, _ := msg.Values["orderId"].(string)
	userID, _ := msg.Values["userId"].(string)
	key := "notification:" + kind + ":" + orderID
	state, err := rdb.Get(ctx, key).Result()
	switch {
	case err != nil && !errors.Is(err, redis.Nil):
		return false
	case state == "sent":
		return true
	}
	if send(Notification{Kind: kind, OrderID: orderID, UserID: userID}) != nil {
		return false
	}
	return rdb.Set(ctx, key, "sent", sentTTL).Err() == nil
}
