//go:build !solution

package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// Notify is the notification service's loop, as consumer of
// notification-service-group. One XREADGROUP reads both streams: Streams:
// []string{orders, payments, id, id}, Count: 10, Block: time.Second; first
// with id "0" (your own pending entries) until a read returns none, then with
// id ">". For each order entry, send a mail; for each payment entry, an SMS:
// send(Notification{Kind: "mail" or "sms", OrderID: the entry's orderId,
// UserID: its userId}). Then XACK the entry on its own stream. If send
// fails, leave the entry pending. Return nil once ctx is cancelled.
//
// Each mail and SMS must reach the user once, though an entry may be
// delivered twice (a crash before the ack), and a payment may be published
// twice (05's PayThenAck did). So before sending, claim a key per
// notification, "notification:<kind>:<orderId>", with SET NX (rdb.SetNX,
// for sentTTL): send only when the key was new; a duplicate is acked
// without sending.
//
// README.md, "Goal", teaches it; main.go's send does the same, batched, and
// also records "sent" after sending, so that an attempt cut off between the
// two is sent again rather than lost.
func Notify(ctx context.Context, rdb *redis.Client, consumer string, send func(Notification) error) error {
	return errNotStarted
}
