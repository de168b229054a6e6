// Mistake: claim the notification with SET NX before sending it, and send only
// when the claim is new. A crash between the claim and the send leaves the
// claim behind: the redelivered entry finds it and is acked unsent. The mail
// is lost for good, to save a duplicate that would have been rare.
// Caught by: "you claimed its key, crashed before sending, and the redelivery found your claim"

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
				if err := notifyOnce(ctx, rdb, kinds[s.Stream], msg, send); err != nil {
					continue
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

// notifyOnce claims the notification, then sends it if the claim was new.
func notifyOnce(ctx context.Context, rdb *redis.Client, kind string, msg redis.XMessage, send func(Notification) error) error {
	n := Notification{Kind: kind}
	n.OrderID, _ = msg.Values["orderId"].(string)
	n.UserID, _ = msg.Values["userId"].(string)
	key := "notification:" + kind + ":" + n.OrderID
	fresh, err := rdb.SetNX(ctx, key, "sent", sentTTL).Result()
	if err != nil || !fresh {
		return err // a Redis error, or a duplicate: nil, so it is acked unsent
	}
	if err := send(n); err != nil {
		rdb.Del(ctx, key) // not sent: let the retry claim it again
		return err
	}
	return nil
}
