package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// ConsumeBatch reads one batch of at most 10 new entries (ID ">") of
// user-notifications in group1 as consumer, without waiting (Block: -1),
// calls handle for each, and acknowledges with XACK only the entries whose
// handle returned nil. An entry whose handle failed stays pending, so that
// it can be tried again. It returns how many entries it acknowledged.
//
// README.md, "Goal" (XREADGROUP ... >, XPENDING and XACK) and "Why the
// tutorial's services can lose events", teaches it.
func ConsumeBatch(ctx context.Context, rdb *redis.Client, consumer string, handle func(redis.XMessage) error) (int, error) {
	return 0, errNotStarted
}
