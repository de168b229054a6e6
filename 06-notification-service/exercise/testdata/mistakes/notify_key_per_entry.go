// Mistake: the "sent" key names the entry ("notification:<stream>:<ID>"). A
// redelivered entry is caught, but the same payment published twice comes as
// two entries, and the user gets two SMS.
// Caught by: "The key must name the notification, not the entry"

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
				key := "notification:" + s.Stream + ":" + msg.ID
				state, err := rdb.Get(ctx, key).Result()
				if err != nil && !errors.Is(err, redis.Nil) {
					continue
				}
				if state != "sent" {
					orderID, _ := msg.Values["orderId"].(string)
					userID, _ := msg.Values["userId"].(string)
					if send(Notification{Kind: kinds[s.Stream], OrderID: orderID, UserID: userID}) != nil {
						continue
					}
					if rdb.Set(ctx, key, "sent", sentTTL).Err() != nil {
						continue
					}
				}
				if err := rdb.XAck(ctx, s.Stream, group, msg.ID).Err(); err != nil {
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
