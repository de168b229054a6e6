package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// Listen is the tutorial's event listener on user-notifications: it calls
// handle for every entry added after Listen starts, in order, none missed,
// until ctx is cancelled; then it returns nil.
//
// Read with XREAD BLOCK: the first read from "$" (only what comes next), and
// every later read from the ID of the last entry you received. Sending "$"
// again would skip whatever was added while you were handling the last
// batch. Keep Block short (time.Second), and check ctx.Err() between reads:
// a blocking read does not notice a cancelled context.
//
// README.md, "Goal" (the go-redis traps around BLOCK) and "You should see"
// (the listener), teaches it; terminals.go's listen is the same loop.
func Listen(ctx context.Context, rdb *redis.Client, handle func(redis.XMessage)) error {
	return errNotStarted
}
