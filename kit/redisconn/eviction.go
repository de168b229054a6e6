package redisconn

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"
)

// AllowEvictionEnv names the opt-out: with it set to 1, a service starts
// under an evicting maxmemory-policy, with a warning.
const AllowEvictionEnv = "REDIS_ALLOW_EVICTION"

// NoEviction is the one maxmemory-policy under which Redis never drops a key
// to make room: it refuses writes instead (OOM), which the services wait out.
const NoEviction = "noeviction"

// EvictionPolicy reads the server's maxmemory-policy: from INFO memory, which
// managed services allow, or else from CONFIG GET. On a cluster it asks every
// master (ClusterOf) and reports the first that may evict.
func EvictionPolicy(ctx context.Context, rdb redis.UniversalClient) (string, error) {
	if cluster, ok := ClusterOf(rdb); ok {
		var mu sync.Mutex // ForEachMaster asks the masters at once
		var evicting []string
		err := cluster.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
			policy, err := nodePolicy(ctx, node)
			if err == nil && policy != NoEviction {
				mu.Lock()
				evicting = append(evicting, policy)
				mu.Unlock()
			}
			return err
		})
		if err != nil {
			return "", err
		}
		if len(evicting) > 0 {
			return evicting[0], nil
		}
		return NoEviction, nil
	}
	return nodePolicy(ctx, rdb)
}

func nodePolicy(ctx context.Context, rdb redis.Cmdable) (string, error) {
	info, infoErr := rdb.Info(ctx, "memory").Result()
	for line := range strings.Lines(info) {
		if value, ok := strings.CutPrefix(strings.TrimSpace(line), "maxmemory_policy:"); ok {
			return value, nil
		}
	}
	config, err := rdb.ConfigGet(ctx, "maxmemory-policy").Result()
	if policy, ok := config["maxmemory-policy"]; ok && err == nil {
		return policy, nil
	}
	return "", errors.Join(infoErr, err)
}

// CheckEviction refuses to let a service start when Redis may evict the
// records it relies on, named in records (say, "its Idempotency-Key records:
// a retried order would be placed twice"). With REDIS_ALLOW_EVICTION=1 it
// only warns. A policy it cannot read is one warning, not a refusal. It
// returns the policy found, or "" when unknown, for /metrics.
func CheckEviction(ctx context.Context, rdb redis.UniversalClient, getenv func(string) string, log *slog.Logger, records string) (string, error) {
	policy, err := EvictionPolicy(ctx, rdb)
	switch {
	case err != nil:
		log.Warn("could not read Redis's maxmemory-policy; make sure it is "+NoEviction, "err", err, "relies on", records)
		return "", nil
	case policy == NoEviction:
		return policy, nil
	case getenv(AllowEvictionEnv) == "1":
		log.Warn("Redis's maxmemory-policy may evict keys, and "+AllowEvictionEnv+"=1 says to run anyway",
			"maxmemory-policy", policy, "relies on", records)
		return policy, nil
	}
	return policy, fmt.Errorf("Redis's maxmemory-policy is %s: under memory pressure Redis may evict %s; "+
		"set it to %s (CONFIG SET maxmemory-policy %[3]s, or your managed service's parameter), "+
		"or set %s=1 to run anyway", policy, records, NoEviction, AllowEvictionEnv)
}
