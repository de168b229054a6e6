package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// Page returns the next page of user-notifications: at most count entries,
// oldest first, that come strictly after the ID after. An empty after means
// from the beginning. Calling Page again with the last ID it returned gives
// the page after, until a page comes back empty.
//
// README.md, "Try this", shows the exclusive start `(` and COUNT.
func Page(ctx context.Context, rdb *redis.Client, after string, count int64) ([]redis.XMessage, error) {
	return nil, errNotStarted
}
