package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// CreateGroups creates notification-service-group on order-events and on
// payment-events. It runs each time the service starts. The contract:
//
//  1. Afterwards both streams have the group notification-service-group,
//     and CreateGroups returns nil.
//  2. Each group starts at "$": the entries already in a stream are not
//     for this service (they came before it existed); every entry added
//     after CreateGroups is delivered to the group.
//  3. A stream that does not exist yet is created, empty, with its group
//     (MKSTREAM): the service may start before the first order or payment.
//     Do not XADD anything to create it.
//  4. A group that is already there (the error BUSYGROUP, at every restart)
//     is success, and is left as it was: its position and its pending
//     entries stay, so nothing is skipped and nothing is lost. Do not
//     destroy it, nor move it (XGROUP SETID). The other stream's group is
//     still created.
//  5. Any other error is returned, not nil: the service cannot start
//     without its groups.
//
// 03-consumer-groups/README.md, "Goal" (XGROUP CREATE, $, MKSTREAM,
// BUSYGROUP), teaches it.
func CreateGroups(ctx context.Context, rdb *redis.Client) error {
	return errNotStarted
}
