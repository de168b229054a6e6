package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// AddNotification adds one notification to the stream user-notifications,
// in the tutorial's form, and returns the ID Redis gave it:
//
//	XADD user-notifications * user-a hi
//
// Its contract, clause by clause (TestAddNotification checks each):
//
//  1. Each call adds one entry to user-notifications, with one field: its
//     name is the user, its value the message. The first call creates the
//     stream; the entries already there stay (no MAXLEN).
//  2. Redis chooses the ID ("*"): every call succeeds, one right after the
//     other, and also on a stream whose last ID is in the future.
//  3. It returns the ID of the entry it added, as XADD replied it.
//  4. When XADD fails, it returns that error: the notification was not
//     added, and the caller must know.
//
// README.md, "You should see" (XADD with * lets Redis choose the ID; IDs
// only grow) and "Try this" (an ID from the future), teaches it; main.go's
// second step is the same call.
func AddNotification(ctx context.Context, rdb *redis.Client, user, message string) (string, error) {
	return "", errNotStarted
}
