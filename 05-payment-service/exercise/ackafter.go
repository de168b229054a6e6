package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// PayThenAck is step 2: the fix for the lost order. Its contract:
//
//  1. It reads orders without NoAck, so that each stays pending until it is
//     acknowledged, and it acknowledges an order (XACK order-events
//     payment-service-group <id>) only after the order's payment is added. A
//     crash at any point loses no order: after the restart it is paid.
//  2. When it starts, it first reads its own pending orders (ID "0": those it
//     held when it died, and those another consumer's XAUTOCLAIM gave it),
//     again and again until a read returns none, for there may be more than
//     one read's Count; then new ones (">"), with Count: 10 and Block:
//     time.Second. Orders pending with another consumer are not its own: it
//     leaves them alone.
//  3. A payment is one XADD to payment-events with Values:
//     paymentFields(order, id), where id is what INCR paymentProcessIDs
//     answered for it.
//  4. A quiet stream is not an error: the read of new orders waits (Block),
//     and a read that finds nothing (redis.Nil) is read again. It returns nil
//     once ctx is cancelled, within 2 s, and not before.
//  5. An error of XREADGROUP, INCR, XADD or XACK it returns (the service
//     exits, and when it starts again it pays the order, still pending), or
//     it tries the command again; never nil, which says "stopped as asked". It never skips the order, and never acks it unpaid: once
//     it is idle, nothing is pending.
//
// Each order is paid at least once, so sometimes twice: its test crashes
// your consumer at every point of a payment, then stalls one consumer while
// another takes its order over, and shows you what happened. Run it with -v.
//
// README.md, "Goal" and "Try this" (a crash in the middle of a payment, two
// instances), teach it; 03-consumer-groups/exercise/restart.go was the same
// start.
func PayThenAck(ctx context.Context, rdb *redis.Client, consumer string) error {
	return errNotStarted
}
