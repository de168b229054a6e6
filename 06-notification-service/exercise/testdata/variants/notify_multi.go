// Variant: the "sent" record and the XACK in one MULTI/EXEC, after the
// send. A crash before the EXEC sends the notification again, which the
// contract allows (clause 4); a crash after it leaves nothing pending.

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

func Notify(ctx context.Context, rdb *redis.Client, consumer string, send func(Notification) error) error {
	kinds := map[string]string{orders: "mail", payments: "sms"}
	id := "0"
	for ctx.Err() == nil {
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer, Streams: []string{orders, payments, id, id}, Count: 10, Block: time.Second,
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
		read := 0
		for _, s := range streams {
			for _, msg := range s.Messages {
				read++
				orderID, _ := msg.Values["orderId"].(string)
				userID, _ := msg.Values["userId"].(string)
				key := "notification:" + kinds[s.Stream] + ":" + orderID
				state, err := rdb.Get(ctx, key).Result()
				if err != nil && !errors.Is(err, redis.Nil) {
					continue // Redis failed: the entry stays pending
				}
				if state != "sent" {
					if send(Notification{Kind: kinds[s.Stream], OrderID: orderID, UserID: userID}) != nil {
						continue
					}
				}
				_, err = rdb.TxPipelined(ctx, func(tx redis.Pipeliner) error {
					tx.Set(ctx, key, "sent", sentTTL)
					tx.XAck(ctx, s.Stream, group, msg.ID)
					return nil
				})
				if err != nil {
					return err
				}
			}
		}
		if id == "0" && read == 0 {
			id = ">"
		}
	}
	return nil
}
