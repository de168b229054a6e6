// Mistake: the TTL written as a bare number of seconds, 7*24*60*60. SET's
// expiration is a time.Duration: 604800 is nanoseconds, go-redis sends PX 1,
// and the key is gone at once, so a duplicate entry is sent again.
// Caught by: "A bare number is nanoseconds"

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

func Notify(ctx context.Context, rdb *redis.Client, consumer string, send func(Notification) error) error {
	kinds := map[string]string{orders: "mail", payments: "sms"}
	id := "0" // first what we held when we stopped, then what is new
	for ctx.Err() == nil {
		streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: group, Consumer: consumer,
			Streams: []string{orders, payments, id, id},
			Count:   10,
			Block:   time.Second,
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
					continue // not acked: it stays pending, to be tried again
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

// notifyOnce sends the entry's notification unless its key says it was sent,
// and records it as sent only after sending: a crash in between sends it
// again (a rare duplicate) rather than never (a lost mail).
func notifyOnce(ctx context.Context, rdb *redis.Client, kind string, msg redis.XMessage, send func(Notification) error) error {
	n := Notification{Kind: kind}
	n.OrderID, _ = msg.Values["orderId"].(string)
	n.UserID, _ = msg.Values["userId"].(string)
	key := "notification:" + kind + ":" + n.OrderID
	state, err := rdb.Get(ctx, key).Result()
	if err != nil && !errors.Is(err, redis.Nil) {
		return err
	}
	if state == "sent" {
		return nil // a duplicate: acked unsent
	}
	if err := send(n); err != nil {
		return err
	}
	return rdb.Set(ctx, key, "sent", 7*24*60*60).Err() // a week, in seconds
}
