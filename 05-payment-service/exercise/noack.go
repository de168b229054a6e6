package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// PayNoAck is step 1: the payment listener as the tutorial writes it.
// Spring's receiveAutoAck reads with NOACK, so do the same: in a loop, read
// new orders (">") from order-events in payment-service-group as consumer,
// with NoAck: true, Count: 10 and Block: time.Second; for each order, add
// its payment to payment-events (XAddArgs{Stream: payments, Values:
// paymentFields(order)}). Return nil once ctx is cancelled; return any other
// error.
//
// Its test passes when it pays every order once; then it crashes your
// consumer between reading an order and paying it, and shows you what
// happened to that order. Run it with -v.
//
// 03-consumer-groups/README.md, "Why the tutorial's services can lose
// events", and this stage's README.md, "Goal", teach it.
func PayNoAck(ctx context.Context, rdb *redis.Client, consumer string) error {
	return errNotStarted
}
