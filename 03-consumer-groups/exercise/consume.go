package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// ConsumeBatch is one turn of consumer, a consumer of group1 on
// user-notifications: it reads the entries that no consumer of the group
// has been given yet (XREADGROUP with the ID ">"), calls handle for each,
// and acknowledges (XACK) those it handled. Its contract:
//
//  1. It handles the 10 oldest entries never delivered to the group (all of
//     them when fewer wait), oldest first, each once (COUNT 10); the entries
//     after the tenth wait, undelivered, for the next call. Entries the group
//     delivered before, to consumer or to another consumer, are not its
//     business.
//  2. When nothing new waits, it returns 0 and nil: redis.Nil, the reply to
//     a read that found nothing, is not an error. It does not wait for
//     entries to come (Block: -1).
//  3. It acknowledges each entry whose handle returned nil, after handle
//     returned, never before.
//  4. An entry whose handle returned an error is not acknowledged: it stays
//     pending under consumer's name, to be tried again later. This call does
//     not handle it again, and goes on with the next entries. When no handle
//     returned nil, there is nothing to acknowledge: no XACK.
//  5. It returns how many entries it acknowledged.
//  6. When XREADGROUP or XACK answers an error (other than redis.Nil), it
//     returns that error.
//
// README.md, "Goal" (XREADGROUP ... >, XPENDING and XACK) and "Why the
// tutorial's services can lose events", teaches it.
func ConsumeBatch(ctx context.Context, rdb *redis.Client, consumer string, handle func(redis.XMessage) error) (int, error) {
	return 0, errNotStarted
}
