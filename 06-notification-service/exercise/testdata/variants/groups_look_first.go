// Variant: look before creating. XINFO GROUPS says whether the group is
// there (a missing stream is an error, "no such key"); only a missing group
// is created, and the errors of both streams are joined.

package exercise

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/redis/go-redis/v9"
)

func CreateGroups(ctx context.Context, rdb *redis.Client) error {
	var errs []error
	for _, stream := range []string{orders, payments} {
		if err := ensureGroup(ctx, rdb, stream); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", stream, err))
		}
	}
	return errors.Join(errs...)
}

func ensureGroup(ctx context.Context, rdb *redis.Client, stream string) error {
	groups, err := rdb.XInfoGroups(ctx, stream).Result()
	if err != nil && !strings.Contains(strings.ToLower(err.Error()), "no such key") {
		return err
	}
	for _, g := range groups {
		if g.Name == group {
			return nil
		}
	}
	err = rdb.XGroupCreateMkStream(ctx, stream, group, "$").Err()
	if err != nil && strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return nil // created by another instance in between
	}
	return err
}
