package consumer_test

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/consumer"
)

// Lesson 03 reads with XREADGROUP and acks with XACK by hand. A service
// writes only the handler: the consumer reads (its own pending entries
// first), acks what the handler accepts, dead-letters what it rejects with
// the reason, claims what dead consumers left, and waits out a Redis outage.
func Example() {
	rdb, stop := exampleRedis() // a private Redis; a service calls redisconn.Connect
	defer stop()
	ctx, cancel := context.WithCancel(context.Background())
	rdb.XAdd(ctx, &redis.XAddArgs{Stream: "user-notifications", Values: []string{"user", "user-a", "text", "hi"}})
	rdb.XAdd(ctx, &redis.XAddArgs{Stream: "user-notifications", Values: []string{"user", "user-b"}})
	rdb.XAdd(ctx, &redis.XAddArgs{Stream: "user-notifications", Values: []string{"user", "user-a", "text", "bye"}})

	notify := func(ctx context.Context, batch []consumer.Message) (consumer.Result, error) {
		var result consumer.Result
		for _, m := range batch {
			text, ok := m.Values["text"].(string)
			if !ok {
				result.Reject(m.ID, "no text")
				continue
			}
			fmt.Printf("to %s: %s\n", m.Values["user"], text)
		}
		cancel() // stop after one batch: Run acks it, then returns
		return result, nil
	}

	c, err := consumer.New(rdb, consumer.Config{
		Stream:   "user-notifications",
		Group:    "group1",
		Consumer: "consumer-1",
		Handler:  notify,
		Log:      slog.New(slog.DiscardHandler),
	})
	if err != nil {
		panic(err)
	}
	c.Run(ctx) // XGROUP CREATE ... MKSTREAM, then XREADGROUP, XACK, XADD to the dead letters

	pending, _ := rdb.XPending(context.Background(), "user-notifications", "group1").Result()
	fmt.Println("pending:", pending.Count)
	dead, _ := rdb.XRange(context.Background(), "user-notifications:dlq:group1", "-", "+").Result()
	fmt.Println("dead letter:", dead[0].Values["user"], dead[0].Values["dlq.reason"])
	// Output:
	// to user-a: hi
	// to user-a: bye
	// pending: 0
	// dead letter: user-b no text
}
