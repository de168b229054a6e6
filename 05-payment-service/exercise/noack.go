package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// PayNoAck is step 1: the payment listener as the tutorial writes it, with
// one fix already in, its paymentProcessId. In a loop, read orders and pay
// each one. Its contract:
//
//  1. It reads new orders (">") of order-events in payment-service-group, as
//     consumer, with NOACK, as Spring's receiveAutoAck does (XReadGroupArgs
//     with NoAck: true, Count: 10, Block: time.Second): an order counts as
//     acknowledged the moment it is delivered, so nothing is ever pending.
//  2. It pays every order delivered to it, once: orders that waited before it
//     started too, and however many wait beyond one read's Count. Started
//     again, or beside another consumer, it pays none twice.
//  3. A payment is one XADD to payment-events with Values:
//     paymentFields(order, id), where id is what INCR paymentProcessIDs
//     answered for it: never an in-memory counter, which restarts at 0 and
//     collides between instances.
//  4. A quiet stream is not an error: the read of new orders waits (Block),
//     and a read that finds nothing (redis.Nil) is read again. It returns nil
//     once ctx is cancelled, within 2 s, and not before.
//  5. An error of XREADGROUP, INCR or XADD it returns (or it tries the
//     command again): it never goes on as if the order were paid, and never
//     returns nil for it, which says "stopped as asked". Return any other
//     error too.
//
// Its test passes when it pays every order once; then it crashes your
// consumer right after it read an order, and shows you what happened to that
// order. Run it with -v.
//
// 03-consumer-groups/README.md, "Why the tutorial's services can lose
// events", and this stage's README.md, "Goal" (its two flaws) and "Your
// turn", teach it.
func PayNoAck(ctx context.Context, rdb *redis.Client, consumer string) error {
	return errNotStarted
}
