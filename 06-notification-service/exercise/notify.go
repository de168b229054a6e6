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
// Each mail and SMS must reach the user at least once, and almost always
// once, though an entry may be delivered twice (a crash before the ack) and a
// payment may be published twice (05's PayThenAck did). Remember each sent
// notification under a key that names it, "notification:<kind>:<orderId>":
// GET it; if it says "sent", ack without sending (a duplicate). Otherwise
// send, then SET the key to "sent" (rdb.Set, for sentTTL), then XACK. Do not
// claim the key before sending (SET NX): a crash between the claim and the
// send would leave the claim behind, and the redelivered entry would skip a
// mail that was never sent. A crash after the send only risks a duplicate.
//
// README.md, "Goal", teaches it (steps 1 and 2). main.go's send does the
// same, batched, with one more state: it claims "sending" first, so that it
// can mark a notification sent again after a cut-off attempt "(duplicate
// possible)".
func Notify(ctx context.Context, rdb *redis.Client, consumer string, send func(Notification) error) error {
	return errNotStarted
}
