package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// PayThenAck is step 2: the fix for the lost order. Read without NoAck, so
// that an order stays pending until you acknowledge it, and acknowledge it
// (XACK order-events payment-service-group <id>) only after its payment is
// added. When it starts, a consumer first reads its own pending orders (ID
// "0": those it held when it died, and those another consumer's XAUTOCLAIM
// gave it), until a read returns none; then new ones (">"). Count: 10,
// Block: time.Second; return nil once ctx is cancelled.
//
// Its test crashes your consumer at two points and checks that the order is
// paid after the restart. Then it stalls one consumer while another takes
// its order over, and shows you what happened. Run it with -v.
//
// README.md, "Goal" and "Try this" (kill a service, scale out), teach it;
// 03-consumer-groups/exercise/restart.go was the same start.
func PayThenAck(ctx context.Context, rdb *redis.Client, consumer string) error {
	return errNotStarted
}
