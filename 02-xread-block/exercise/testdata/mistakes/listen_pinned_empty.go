// Mistake: as terminals.go's listen, the newest entry's ID looked up once
// with XREVRANGE, but with no check that there is one: on a first run the
// stream does not exist yet, the reply is empty, and newest[0] panics.
// Caught by: "clause 1: on a first run the stream does not exist yet"

package exercise

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

func Listen(ctx context.Context, rdb *redis.Client, handle func(redis.XMessage)) error {
	newest, err := rdb.XRevRangeN(ctx, stream, "+", "-", 1).Result()
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	id := newest[0].ID
	for {
		if ctx.Err() != nil {
			return nil
		}
		streams, err := rdb.XRead(ctx, &redis.XReadArgs{
			Streams: []string{stream, id},
			Count:   10,
			Block:   2 * time.Second,
		}).Result()
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, redis.Nil):
			// a quiet read: read again
		case err != nil:
			return err
		default:
			for _, s := range streams {
				for _, m := range s.Messages {
					handle(m)
					id = m.ID
				}
			}
		}
	}
}
