// Variant: the ID given with XReadArgs.ID, the second written in
// milliseconds, redis.Nil compared with ==, and the entries of every
// stream in the reply gathered.

package exercise

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

func WaitASecond(ctx context.Context, rdb *redis.Client, after string) ([]redis.XMessage, error) {
	res, err := rdb.XRead(ctx, &redis.XReadArgs{
		Streams: []string{stream},
		ID:      after,
		Block:   1000 * time.Millisecond,
	}).Result()
	if err == redis.Nil {
		return []redis.XMessage{}, nil
	} else if err != nil {
		return nil, err
	}
	var msgs []redis.XMessage
	for _, s := range res {
		msgs = append(msgs, s.Messages...)
	}
	return msgs, nil
}
