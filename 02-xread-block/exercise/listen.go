package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// Listen is the tutorial's event listener on user-notifications: it calls
// handle for each new entry, until ctx is cancelled.
//
// Its contract, clause by clause (TestListen checks each):
//
//  1. It handles every entry added after Listen starts, once each, in
//     order: none from before it started, none missed. The first read is
//     from "$" (or after the newest entry's ID, looked up once, as
//     terminals.go's listen does, also when the stream does not exist
//     yet); once an entry has come, every read is from the ID of the last
//     entry received, even when entries arrive while handle runs: "$" again
//     would skip them.
//  2. It waits for new entries with XREAD BLOCK: every read blocks for
//     100 ms or more (time.Second), so a quiet stream is no busy loop.
//  3. A quiet second is neither an error nor the end: when the read times
//     out (go-redis returns redis.Nil), it reads again.
//  4. It listens until ctx is cancelled, then returns nil within 2 s. A
//     blocking read does not notice a cancelled context: keep Block short
//     (time.Second; at most 2 s, and never 0, which waits forever), and
//     check ctx.Err() between reads.
//  5. A read that fails with an error (any error but redis.Nil, while ctx
//     is not cancelled) ends Listen with that error: the caller decides
//     what to do; Listen does not retry.
//
// README.md, "Goal" (the go-redis traps around BLOCK, what ends a blocking
// read) and "You should see" (the listener, and why `listen` does not send
// $ at each read), teaches it; terminals.go's listen is the same loop.
func Listen(ctx context.Context, rdb *redis.Client, handle func(redis.XMessage)) error {
	return errNotStarted
}
