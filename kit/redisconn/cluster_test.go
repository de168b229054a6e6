package redisconn

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/testkit"
	"github.com/streams-workshop/kit/testkit/localcluster"
)

// REDIS_URL naming one node of a Redis Cluster, as a managed cluster's single
// endpoint does: the service's client, built before Redis answered, follows
// the cluster once Wait has seen it, with the URL's password and options, and
// reaches every slot; Connect returns a cluster client. Database 1 is refused.
func TestOneNodeOfACluster(t *testing.T) {
	testkit.Slow(t, "a Redis Cluster")
	if mode, _ := testkit.Mode(); mode != "real" {
		t.Skip("a cluster needs real redis-server binaries (REDIS_TEST=real)")
	}
	srv, err := testkit.StartWith("real", t.TempDir(), testkit.Options{Cluster: true, Password: secret})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	node := "redis://:" + secret + "@" + strings.Split(srv.Addr(), ",")[0]
	t.Run("Wait", func(t *testing.T) { waitFollowsTheCluster(t, node+"?pool_size=4&dial_timeout=3s") })
	t.Run("Connect", func(t *testing.T) {
		client, target, err := Connect(context.Background(), func(string) string { return node }, Redis70)
		if err != nil {
			t.Fatal(err)
		}
		defer client.Close()
		if _, ok := client.(*redis.ClusterClient); !ok || !target.Cluster() {
			t.Errorf("Connect to one node gave a %T, target.Cluster() %v; want a *redis.ClusterClient, true", client, target.Cluster())
		}
	})
	t.Run("database 1", func(t *testing.T) {
		client, target, err := Client(func(string) string { return node + "/1" })
		if err != nil {
			t.Fatal(err)
		}
		defer client.Close()
		err = Wait(context.Background(), client, target, slog.New(slog.DiscardHandler), Redis70)
		if err == nil || !strings.Contains(err.Error(), "is a node of a Redis Cluster, which has only database 0: remove /1 from REDIS_URL") ||
			strings.Contains(err.Error(), secret) {
			t.Errorf("Wait with /1 on a cluster = %v; want the refusal, without the password", err)
		}
	})
}

// waitFollowsTheCluster builds a service's client from url, one node's, waits
// for it, and checks that it follows the cluster and reaches every slot.
func waitFollowsTheCluster(t *testing.T, url string) {
	client, target, err := Client(func(string) string { return url })
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	var log bytes.Buffer
	if err := Wait(context.Background(), client, target, slog.New(slog.NewTextHandler(&log, nil)), Redis70); err != nil {
		t.Fatal(err)
	}
	const said = "REDIS_URL names one node of a Redis Cluster: using the cluster client from now on, seeded with it"
	if strings.Count(log.String(), said) != 1 || strings.Contains(log.String(), secret) {
		t.Errorf("want %q once in the log, and no password:\n%s", said, log.String())
	}
	cluster, ok := ClusterOf(client)
	if !ok {
		t.Fatal("ClusterOf: the client follows no cluster")
	}
	defer cluster.Close()
	if o := cluster.Options(); o.PoolSize != 4 || o.DialTimeout != 3*time.Second || o.Password != secret || o.MaxRetries > 0 {
		t.Errorf("the cluster client: pool %d, dial %v, retries %d; want the URL's 4 and 3s, no retries, its password", o.PoolSize, o.DialTimeout, o.MaxRetries)
	}
	if err := Wait(context.Background(), client, target, slog.New(slog.DiscardHandler), Redis70); err != nil {
		t.Errorf("Wait again: %v", err)
	}
	reachEverySlot(t, client)

	// Close closes the cluster client too, and forgets it.
	if err := Close(client); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := cluster.Ping(context.Background()).Err(); !errors.Is(err, redis.ErrClosed) {
		t.Errorf("PING through the followed cluster client after Close: %v; want %v", err, redis.ErrClosed)
	}
	if _, ok := ClusterOf(client); ok {
		t.Error("ClusterOf after Close: the client still follows a cluster")
	}
}

// reachEverySlot writes a key in each of the 16384 slots through client and
// reads it back: in a pipeline, one command at a time, in a script and in a
// transaction. One MOVED would fail it.
func reachEverySlot(t *testing.T, client redis.UniversalClient) {
	ctx := context.Background()
	keys := keyPerSlot()
	if slot, err := client.ClusterKeySlot(ctx, keys[12345]).Result(); err != nil || slot != 12345 {
		t.Fatalf("CLUSTER KEYSLOT %s = %d, %v; want 12345", keys[12345], slot, err)
	}
	if _, err := client.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		for _, key := range keys {
			pipe.Set(ctx, key, key, 0)
		}
		return nil
	}); err != nil {
		t.Fatalf("a pipeline of SET, one per slot: %v", err)
	}
	for slot := 0; slot < len(keys); slot += 97 {
		if got, err := client.Get(ctx, keys[slot]).Result(); err != nil || got != keys[slot] {
			t.Fatalf("GET %s (slot %d) = %q, %v", keys[slot], slot, got, err)
		}
	}
	script := redis.NewScript(`return redis.call('GET', KEYS[1])`)
	if got, err := script.Run(ctx, client, []string{keys[16383]}).Text(); err != nil || got != keys[16383] {
		t.Errorf("a script on slot 16383 = %q, %v", got, err)
	}
	if _, err := client.TxPipelined(ctx, func(tx redis.Pipeliner) error {
		tx.Set(ctx, keys[0], keys[0], 0)
		return nil
	}); err != nil {
		t.Errorf("a transaction on slot 0: %v", err)
	}
	cluster, _ := ClusterOf(client)
	var total atomic.Int64
	err := cluster.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		n, err := node.DBSize(ctx).Result()
		if n == 0 {
			t.Errorf("master %s holds no key", node.Options().Addr)
		}
		total.Add(n)
		return err
	})
	if err != nil || total.Load() != int64(len(keys)) {
		t.Errorf("the masters hold %d keys (%v), want %d", total.Load(), err, len(keys))
	}
}

// keyPerSlot returns a key for each hash slot, found by trying k:0, k:1, ...
func keyPerSlot() []string {
	keys := make([]string, 16384)
	for i, left := 0, len(keys); left > 0; i++ {
		key := "k:" + strconv.Itoa(i)
		if slot := crc16(key) % 16384; keys[slot] == "" {
			keys[slot] = key
			left--
		}
	}
	return keys
}

// crc16 is the CRC16 (XMODEM) that Redis Cluster hashes keys with.
func crc16(s string) uint16 {
	var crc uint16
	for i := 0; i < len(s); i++ {
		crc ^= uint16(s[i]) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}

// A service started before its cluster, with REDIS_URL naming one node: it
// waits, sends commands meanwhile (as /readyz and orders do), and follows
// the cluster once the node answers. Run with -race, it checks the switch
// while commands are in flight.
func TestOneNodeOfAClusterThatComesLater(t *testing.T) {
	testkit.Slow(t, "a Redis Cluster")
	if mode, _ := testkit.Mode(); mode != "real" {
		t.Skip("a cluster needs real redis-server binaries (REDIS_TEST=real)")
	}
	port, err := testkit.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	client, target, err := Client(func(string) string { return "127.0.0.1:" + strconv.Itoa(port) })
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	busy := make(chan struct{})
	go func() { // the service's other users of client, all along
		defer close(busy)
		for ctx.Err() == nil {
			client.Set(ctx, "busy", "1", 0)
			time.Sleep(5 * time.Millisecond)
		}
	}()
	waited := make(chan error, 1)
	go func() { waited <- Wait(ctx, client, target, slog.New(slog.DiscardHandler), Redis70) }()
	c, err := localcluster.Start(ctx, localcluster.Options{Dir: t.TempDir(), Ports: []int{port, 0, 0}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	if err := <-waited; err != nil {
		t.Fatalf("Wait: %v", err)
	}
	stop()
	<-busy
	if cluster, ok := ClusterOf(client); ok {
		defer cluster.Close()
	}
	if err := client.Del(context.Background(), "busy").Err(); err != nil {
		t.Errorf("DEL busy: %v", err)
	}
	reachEverySlot(t, client)
}

// The cluster client built from one address keeps what REDIS_URL says: the
// user, the password, TLS and go-redis's query options, with the course's
// defaults. Database 2 and an option a cluster does not take are refused,
// without the password. No server is needed: nothing is contacted.
func TestSeededCluster(t *testing.T) {
	target, err := Parse("rediss://u:" + secret + "@cache:7000?pool_size=5&dial_timeout=3s")
	if err != nil {
		t.Fatal(err)
	}
	cluster, seeded, err := seededCluster(target)
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	o := cluster.Options()
	if !seeded.Cluster() || len(o.Addrs) != 1 || o.Addrs[0] != "cache:7000" || o.Username != "u" || o.Password != secret ||
		o.TLSConfig == nil || o.PoolSize != 5 || o.DialTimeout != 3*time.Second || o.MaxRetries > 0 || !o.ContextTimeoutEnabled {
		t.Errorf("seeded with %v: cluster %v, options %+v", target, seeded.Cluster(), o)
	}
	for raw, want := range map[string]string{
		"redis://u:" + secret + "@cache:7000/2":                "which has only database 0: remove /2 from REDIS_URL",
		"redis://u:" + secret + "@cache:7000?db=0&pool_size=5": "REDIS_URL: redis: unexpected option: db",
	} {
		target, err := Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := seededCluster(target); err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), secret) {
			t.Errorf("%s: %v; want %q, without the password", raw, err, want)
		}
	}
}
