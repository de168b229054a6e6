package consumer_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/testkit"
)

// privateRedis starts a Redis of the test's own (real or embedded, as
// REDIS_TEST says) and returns a client for it, both closed at the end.
func privateRedis(t testing.TB) *redis.Client {
	t.Helper()
	rdb, stop, err := startRedis(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return rdb
}

func startRedis(dir string) (*redis.Client, func(), error) {
	mode, err := testkit.Mode()
	if err != nil {
		return nil, nil, err
	}
	srv, err := testkit.Start(mode, dir)
	if err != nil {
		return nil, nil, err
	}
	rdb := srv.Client()
	return rdb, func() { rdb.Close(); srv.Close() }, nil
}

// exampleRedis is privateRedis for the Example, which has no *testing.T.
func exampleRedis() (*redis.Client, func()) {
	dir, err := os.MkdirTemp("", "consumer-example")
	if err != nil {
		panic(err)
	}
	rdb, stop, err := startRedis(dir)
	if err != nil {
		panic(err)
	}
	return rdb, func() { stop(); os.RemoveAll(dir) }
}

// waitUntil polls cond until it holds, and fails the test after 30s.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(10 * time.Millisecond) // polling a condition, not waiting for time to pass
	}
}

func pendingCount(t *testing.T, rdb *redis.Client, stream, group string) int64 {
	t.Helper()
	p, err := rdb.XPending(context.Background(), stream, group).Result()
	if err != nil {
		t.Fatal(err)
	}
	return p.Count
}
