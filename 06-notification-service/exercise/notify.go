package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// Notify is the notification service's loop, as consumer of
// notification-service-group. For each order entry it sends a mail, for
// each payment entry an SMS: send(Notification{Kind: "mail" or "sms",
// OrderID: the entry's orderId, UserID: its userId}). Each mail and SMS must
// reach the user at least once, and almost always once, though an entry may
// be delivered twice (a crash before its XACK) and a payment may be
// published twice (05's PayThenAck did). The contract:
//
//  1. Pending first. One XREADGROUP reads both streams: Streams:
//     []string{orders, payments, id, id}, Count: 10, Block: time.Second.
//     On start, id is "0" (the entries this consumer was given and never
//     acked, before it stopped), read again and again until a read returns
//     none, since there may be more than Count; then id is ">".
//  2. Every entry of both streams gets its notification, with the entry's
//     orderId and userId: "mail" for order-events, "sms" for
//     payment-events; more entries than Count too.
//  3. Each notification has a key that names it, not the entry:
//     "notification:<kind>:<orderId>". GET it: if it says "sent", the entry
//     is a duplicate, and is acked without sending. Otherwise send, then SET
//     the key to "sent" for sentTTL (rdb.Set(ctx, key, "sent", sentTTL)),
//     then XACK.
//  4. A notification is never lost: the key says "sent" only after send
//     returned nil, and an entry is acked only after that. Do not claim the
//     key before sending (SET NX): a crash between the claim and the send
//     would leave the claim behind, and the redelivered entry would skip a
//     mail that was never sent. A crash after the send only risks a
//     duplicate, which the contract allows: so you may also SET the key
//     and XACK in one MULTI/EXEC (rdb.TxPipelined); a crash before it then
//     sends the notification again.
//  5. Each entry handled is acked on its own stream: nothing stays pending.
//  6. When send fails, the entry is neither recorded nor acked: it stays
//     pending, and Notify goes on with the next entries (the entry is sent
//     when Notify next reads its pending entries, at its next start). When
//     Redis answers one command with an error (GET, SET, XACK), return that
//     error, or leave the entry pending and go on; never ack the entry of a
//     notification that was not sent.
//  7. A read that finds nothing (redis.Nil) is no error and no reason to
//     stop: read again. Return nil once ctx is cancelled.
//  8. A read that fails (any other error, while ctx is not cancelled: the
//     group was destroyed, Redis went away) ends Notify with that error,
//     wrapped if you like. Never nil, which says "stopped as asked"; and do
//     not retry at once, for ever: whoever runs Notify decides what next.
//
// README.md, "Goal", teaches it (steps 1 and 2). main.go's send does the
// same, batched, with one more state: it claims "sending" first, so that it
// can mark a notification sent again after a cut-off attempt "(duplicate
// possible)".
func Notify(ctx context.Context, rdb *redis.Client, consumer string, send func(Notification) error) error {
	return errNotStarted
}
