package exercise

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// Page returns the next page of user-notifications: the count entries that
// come right after the ID after, oldest first. Calling Page again with the
// last ID it returned gives the page after, until a page comes back empty.
//
// Its contract, clause by clause (TestPage checks each):
//
//  1. An empty after means from the beginning: the first page starts with
//     the stream's first entry.
//  2. Strictly after: the page starts with the entry right after the ID
//     after. It leaves that entry out, and skips none, even when IDs share
//     a millisecond (5-0, 5-1, 5-2).
//  3. Oldest first: the entries come in ID order.
//  4. count entries while that many are left, fewer only at the end of the
//     stream: never the whole stream, never fewer than asked (COUNT).
//  5. After the last entry, an empty page and a nil error, at once: Page
//     never waits for new entries.
//  6. When the read fails, it returns that error, never an empty page: the
//     caller would take an empty page for the end of the stream.
//
// README.md, "Goal" (XRANGE reads a range with both ends included) and "Try
// this" (the exclusive start `(` and COUNT), teaches it.
func Page(ctx context.Context, rdb *redis.Client, after string, count int64) ([]redis.XMessage, error) {
	return nil, errNotStarted
}
