// Variant: what is already there read with XRANGE (the exclusive start
// "("), and XREAD BLOCK 1000 only when nothing is.

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

func WaitASecond(ctx context.Context, rdb *redis.Client, after string) ([]redis.XMessage, error) {
	there, err := rdb.XRange(ctx, stream, "("+after, "+").Result()
	if err != nil {
		return nil, err
	}
	if len(there) > 0 {
		return there, nil
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
