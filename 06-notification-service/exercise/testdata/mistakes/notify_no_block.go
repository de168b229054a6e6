// Mistake: Block: -1 * time.Millisecond, meant as "no timeout": go-redis
// sends no BLOCK for a negative Block, so a read of new entries on a quiet
// stream answers at once, and the loop spins, reading as fast as Redis
// answers.
// Caught by: "A negative Block sends no BLOCK at all"

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
			Block:   -1 * time.Millisecond,
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
	return rdb.Set(ctx, key, "sent", sentTTL).Err()
}
