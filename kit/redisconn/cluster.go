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

// A managed Redis Cluster often gives one address, its configuration
// endpoint, and REDIS_URL may name any one node. A client of one server gets
// MOVED for every key in another node's slots, while PING still answers. So
// when the one address turns out to be a node of a cluster, the programs use
// go-redis's cluster client, seeded with it: it asks the node for the others
// (CLUSTER SLOTS). Connect returns one; Wait makes the service's client follow one.

// isClusterNode reports whether the server behind client is a node of a
// Redis Cluster: INFO cluster says cluster_enabled:1. A server that does not
// say (an old one, or miniredis) is not.
func isClusterNode(ctx context.Context, client redis.UniversalClient) bool {
	info, err := client.Info(ctx, "cluster").Result()
	return err == nil && strings.Contains(info, "cluster_enabled:1")
}

// seededCluster builds a cluster client from t's one address, with the same
// credentials, TLS and query options, without contacting it. A cluster has
// only database 0: another one in REDIS_URL is an error.
func seededCluster(t Target) (*redis.ClusterClient, Target, error) {
	if t.DB != 0 {
		return nil, t, onlyDatabase0(t)
	}
	t.clusterNode = true
	tlsConfig, err := newTLSConfig(t)
	if err != nil {
		return nil, t, err
	}
	cluster, err := newClusterClient(t, tlsConfig)
	return cluster, t, err
}

// onlyDatabase0 says that t names a database other than 0 on a cluster node.
func onlyDatabase0(t Target) error {
	return fmt.Errorf("Redis at %s is a node of a Redis Cluster, which has only database 0: remove /%d from REDIS_URL", t, t.DB)
}

// isSelectOnCluster: the client's SELECT, for a database other than 0, was
// refused by a node of a cluster.
func isSelectOnCluster(err error) bool {
	return strings.Contains(err.Error(), "SELECT is not allowed in cluster mode")
}

// followClusterNode is Wait's last step. When REDIS_URL names one address and
// the server there is a node of a Redis Cluster, client sends every command
// through a cluster client seeded with it from now on (follow), the log says
// so once, and it waits until the cluster answers. A client that cannot
// follow ends the wait with the remedy.
func followClusterNode(ctx context.Context, client redis.UniversalClient, t Target, log *slog.Logger) error {
	if _, ok := ClusterOf(client); ok || t.Cluster() || !isClusterNode(ctx, client) {
		return nil
	}
	single, ok := client.(*redis.Client)
	if !ok {
		return fmt.Errorf("Redis at %s is a node of a Redis Cluster, and REDIS_URL names it alone: list the cluster's nodes, comma-separated "+
			"(host1:7000,host2:7000, or redis[s]://user:pass@host1:7000,host2:7000), so that the cluster client follows its slots", t)
	}
	cluster, seeded, err := seededCluster(t)
	if err != nil {
		return err
	}
	follow(single, cluster)
	log.Info("REDIS_URL names one node of a Redis Cluster: using the cluster client from now on, seeded with it",
		"redis", seeded.String())
	// Its first command asks for the slots: a user without CLUSTER SLOTS
	// ends the wait, a cluster still forming (no slots yet) is waited for.
	return waitUntil(ctx, seeded, log, func() error { return ping(ctx, cluster) })
}

// followed maps each client that follows a cluster to that cluster's client.
var followed sync.Map // *redis.Client → *redis.ClusterClient

// follow makes client send every command and pipeline through cluster. A
// hook is the one way in that reaches every holder of client at once: the
// handlers, the consumers and the probes built before Redis first answered.
func follow(client *redis.Client, cluster *redis.ClusterClient) {
	followed.Store(client, cluster)
	client.AddHook(throughCluster{cluster})
}

// ClusterOf returns the cluster client behind rdb: rdb itself, or the one
// that a client of one address follows since Wait found it to be a node of a
// cluster. ok is false for one Redis.
func ClusterOf(rdb redis.UniversalClient) (cluster *redis.ClusterClient, ok bool) {
	if cluster, ok := rdb.(*redis.ClusterClient); ok {
		return cluster, true
	}
	if single, ok := rdb.(*redis.Client); ok {
		if c, found := followed.Load(single); found {
			return c.(*redis.ClusterClient), true
		}
	}
	return nil, false
}

// Close closes rdb and, when Wait made it follow a Redis Cluster, the cluster
// client it sends through: go-redis's Close knows nothing of that one.
func Close(rdb redis.UniversalClient) error {
	err := rdb.Close()
	if single, ok := rdb.(*redis.Client); ok {
		if cluster, found := followed.LoadAndDelete(single); found {
			err = errors.Join(err, cluster.(*redis.ClusterClient).Close())
		}
	}
	return err
}

// throughCluster is a go-redis hook that hands each command and pipeline to
// the cluster client instead of the client's own connection.
type throughCluster struct{ cluster *redis.ClusterClient }

func (h throughCluster) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h throughCluster) ProcessHook(redis.ProcessHook) redis.ProcessHook { return h.cluster.Process }

// ProcessPipelineHook sends a pipeline as the cluster's pipeline, which
// splits it by node. A TxPipeline comes wrapped in MULTI and EXEC: the
// cluster's TxPipeline wraps it again, per slot.
func (h throughCluster) ProcessPipelineHook(redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		pipe := h.cluster.Pipeline()
		if n := len(cmds); n >= 2 && cmds[0].Name() == "multi" && cmds[n-1].Name() == "exec" {
			pipe, cmds = h.cluster.TxPipeline(), cmds[1:n-1]
		}
		for _, cmd := range cmds {
			pipe.Process(ctx, cmd)
		}
		_, err := pipe.Exec(ctx)
		return err
	}
}
