package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// AddNotification adds one notification to the stream user-notifications,
// in the tutorial's form: one field, named after the user, whose value is the
// message (XADD user-notifications * user-a hi). Let Redis choose the ID
// with "*", and return the ID it gave.
//
// README.md, "You should see" (XADD with * lets Redis choose the ID), shows
// the command; main.go's second step is the same call.
func AddNotification(ctx context.Context, rdb *redis.Client, user, message string) (string, error) {
	return "", errNotStarted
}
