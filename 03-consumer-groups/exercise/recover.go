package exercise

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// Recover takes over the work of dead consumers: as consumer, it claims the
// entries of user-notifications that consumers of group1 have held without
// acknowledging them for at least minIdle, calls handle for each, and
// acknowledges (XACK) those it handled. Its contract:
//
//  1. It claims and handles every entry pending for at least minIdle,
//     whichever consumer holds it, oldest first, each once, with its fields
//     (no JUSTID). Use XAUTOCLAIM from "0-0", then call it again from the
//     cursor it returned, until that cursor is "0-0": before the end of the
//     pending list, a reply may hold fewer entries than COUNT, or none at
//     all (Redis looks at no more than 10 x COUNT pending entries per call).
//  2. It leaves alone the entries pending for less than minIdle: their
//     consumers are alive and at work on them. Pass minIdle itself as the
//     minimum idle time, never 0 or a duration of your own.
//  3. It acknowledges each claimed entry whose handle returned nil, after
//     handle returned.
//  4. An entry whose handle returned an error is not acknowledged: it stays
//     pending, now under consumer's name. This call does not handle it
//     again, and goes on with the others.
//  5. It returns how many entries it acknowledged: 0 and nil when nothing
//     had been idle long enough.
//  6. When XAUTOCLAIM or XACK answers an error, it returns that error.
//
// README.md, "Goal" (consumer-2 "dies" holding an entry: XAUTOCLAIM), and
// "Try this" (the XAUTOCLAIM with 10000), teaches it.
func Recover(ctx context.Context, rdb *redis.Client, consumer string, minIdle time.Duration, handle func(redis.XMessage) error) (int, error) {
	return 0, errNotStarted
}
