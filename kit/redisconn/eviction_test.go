package redisconn_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/redisconn"
	"github.com/streams-workshop/kit/testkit"
)

// TestCheckEviction: every policy but noeviction refuses the start, unless
// REDIS_ALLOW_EVICTION=1; a policy that cannot be read is a warning.
func TestCheckEviction(t *testing.T) {
	ctx := context.Background()
	srv := testkit.StartT(t)
	rdb := srv.Client()
	check := func(env map[string]string) (string, string, error) {
		var logged strings.Builder
		log := slog.New(slog.NewTextHandler(&logged, nil))
		policy, err := redisconn.CheckEviction(ctx, rdb, func(k string) string { return env[k] }, log, "the records")
		return policy, logged.String(), err
	}
	if policy, logged, err := check(nil); policy != "noeviction" || err != nil || logged != "" {
		t.Fatalf("default server: policy %q, err %v, log %q; want noeviction, no error, no log", policy, err, logged)
	}
	if mode, _ := testkit.Mode(); mode != "real" {
		t.Skip("CONFIG SET maxmemory-policy and ACL users need a real redis-server (REDIS_TEST=real)")
	}
	for _, evicting := range []string{"volatile-lru", "allkeys-lru", "volatile-ttl", "allkeys-random", "volatile-lfu"} {
		rdb.ConfigSet(ctx, "maxmemory-policy", evicting)
		_, _, err := check(nil)
		if err == nil || !strings.Contains(err.Error(), "maxmemory-policy is "+evicting+": under memory pressure Redis may evict the records") ||
			!strings.Contains(err.Error(), "CONFIG SET maxmemory-policy noeviction") || !strings.Contains(err.Error(), "REDIS_ALLOW_EVICTION=1") {
			t.Errorf("%s: err %v; want a refusal naming the policy, the records, the fix and the opt-out", evicting, err)
		}
		policy, logged, err := check(map[string]string{"REDIS_ALLOW_EVICTION": "1"})
		if err != nil || policy != evicting || !strings.Contains(logged, "level=WARN") {
			t.Errorf("%s with the opt-out: policy %q, err %v, log %q; want it to start with a warning", evicting, policy, err, logged)
		}
		if _, _, err := check(map[string]string{"REDIS_ALLOW_EVICTION": "yes"}); err == nil {
			t.Errorf("%s with REDIS_ALLOW_EVICTION=yes: started; only 1 opts out", evicting)
		}
	}
	rdb.ConfigSet(ctx, "maxmemory-policy", "noeviction")

	// A user who may run neither INFO nor CONFIG: one warning, and it starts.
	rdb.Do(ctx, "ACL", "SETUSER", "blind", "on", ">pw", "~*", "+ping")
	blind := redis.NewClient(&redis.Options{Addr: srv.Addr(), Username: "blind", Password: "pw"})
	defer blind.Close()
	var logged strings.Builder
	policy, err := redisconn.CheckEviction(ctx, blind, func(string) string { return "" }, slog.New(slog.NewTextHandler(&logged, nil)), "the records")
	if policy != "" || err != nil || strings.Count(logged.String(), "level=WARN") != 1 || !strings.Contains(logged.String(), "could not read") {
		t.Errorf("unreadable policy: %q, %v, log %q; want \"\", nil and one warning", policy, err, logged.String())
	}
}
