// Mistake: what is there read with XRANGE from after itself (inclusive),
// then the first entry dropped, taken to be after: right while after is in
// the stream, wrong once it was trimmed or deleted, when the entry right
// after it is dropped instead.
// Caught by: "clause 1: it left out 3-0, the entry right after 2-0"

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

func WaitASecond(ctx context.Context, rdb *redis.Client, after string) ([]redis.XMessage, error) {
	there, err := rdb.XRange(ctx, stream, after, "+").Result()
	if err != nil {
		return nil, err
	}
	if len(there) > 1 {
		return there[1:], nil
	}
	streams, err := rdb.XRead(ctx, &redis.XReadArgs{
		Streams: []string{stream, after},
		Block:   time.Second,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return streams[0].Messages, nil
}
