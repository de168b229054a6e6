// Variant: EVAL instead of two commands: one script records the
// notification and acks its entry, atomically, after the send.

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// recordAndAck: KEYS[1] the notification's key, KEYS[2] the stream;
// ARGV: the TTL in seconds, the group, the entry ID.
var recordAndAck = redis.NewScript(`
redis.call('SET', KEYS[1], 'sent', 'EX', ARGV[1])
return redis.call('XACK', KEYS[2], ARGV[2], ARGV[3])
`)

func Notify(ctx context.Context, rdb *redis.Client, consumer string, send func(Notification) error) error {
	kinds := map[string]string{orders: "mail", payments: "sms"}
	id := "0"
	for {
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer, Streams: []string{orders, payments, id, id}, Count: 10, Block: time.Second,
		}).Result()
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, redis.Nil):
			continue
		case err != nil:
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
					return err
				}
				if state == "sent" {
					if err := rdb.XAck(ctx, s.Stream, group, msg.ID).Err(); err != nil {
						return err
					}
					continue
				}
				if send(Notification{Kind: kinds[s.Stream], OrderID: orderID, UserID: userID}) != nil {
					continue
				}
				ttl := int(sentTTL / time.Second)
				if err := recordAndAck.Run(ctx, rdb, []string{key, s.Stream}, ttl, group, msg.ID).Err(); err != nil {
					return err
				}
			}
		}
		if id == "0" && read == 0 {
			id = ">"
		}
	}
}
