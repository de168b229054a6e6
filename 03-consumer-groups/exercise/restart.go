package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// Restart is what consumer does when it starts again after a crash: first
// the entries the group gave it before it died and that it never
// acknowledged (its own pending entries, which '>' will never hand out
// again), then the entries that came while it was down. It calls handle for
// each and acknowledges (XACK) those it handled. Its contract:
//
//  1. First it handles consumer's own pending entries, oldest first, each
//     once, with their fields (XPENDING gives only their IDs).
//     XREADGROUP ... STREAMS user-notifications 0 gives them, at most
//     COUNT at a time; read again from the ID of the last entry you got
//     (each read gives those after that ID), until a read gives none.
//     Entries pending under other consumers are not its business.
//  2. Then it handles the new entries (ID ">"), oldest first, reading again
//     until a read finds none; it does not wait for more (Block: -1). That
//     last read answers redis.Nil: it is the end, not an error, and Restart
//     then returns nil.
//  3. It acknowledges each entry whose handle returned nil, after handle
//     returned.
//  4. An entry whose handle returned an error is not acknowledged: it stays
//     pending, and Restart goes on with the next entries. It does not
//     handle that entry again in this call (read from 0 again, and the
//     failed entry comes back first, again and again).
//  5. It returns how many entries it acknowledged.
//  6. When XREADGROUP or XACK answers an error (other than redis.Nil), it
//     returns that error.
//
// README.md, "Why the tutorial's services can lose events" (the services
// re-read their own pending entries when they start), and "Try this" (with
// an ID instead of >), teaches it.
func Restart(ctx context.Context, rdb *redis.Client, consumer string, handle func(redis.XMessage) error) (int, error) {
	return 0, errNotStarted
}
