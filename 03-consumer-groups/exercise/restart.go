package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// Restart is what consumer does when it starts again after a crash. First its
// own pending entries: those it read before it died, never acknowledged, and
// which '>' will never hand out again (XREADGROUP ... STREAMS
// user-notifications 0, again until none are left). Then the new ones (">"),
// until a read finds none; don't wait for more (Block: -1). Call handle for
// each entry, oldest first, and XACK each one whose handle returned nil. It
// returns how many entries it handled.
//
// README.md, "Why the tutorial's services can lose events" (re-read their
// own pending entries when they start), teaches it.
func Restart(ctx context.Context, rdb *redis.Client, consumer string, handle func(redis.XMessage) error) (int, error) {
	return 0, errNotStarted
}
