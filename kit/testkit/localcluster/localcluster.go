// Package localcluster starts a Redis Cluster of redis-server processes on
// loopback ports: the command scripts/cluster for learners, and the test kit
// for the tests that run the system on a cluster.
//
// It does by hand what `redis-cli --cluster create` does, so that each step
// can be read: start every node with cluster-enabled, give each one a range of
// the 16384 hash slots (CLUSTER ADDSLOTSRANGE), introduce them to each other
// (CLUSTER MEET), and wait until every node reports cluster_state:ok and the
// same slot map. There are no replicas: it is for learning and testing, not
// for failover.
package localcluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Slots is the number of hash slots in a Redis Cluster.
const Slots = 16384

// StateFile, in the cluster's directory, lists the nodes, so that Stop can
// find nodes started by another process (the command's start and stop).
const StateFile = "cluster.json"

// Options say how to start the cluster.
type Options struct {
	// Dir holds each node's folder (nodes.conf, log, pid) and the state file.
	Dir string
	// Ports are the nodes' client ports, one per master; 0 picks a free one.
	// Empty means three free ports.
	Ports []int
	// Daemonize detaches the nodes, so that they outlive the calling process
	// (the command). Otherwise they are children, killed by Stop (tests).
	Daemonize bool
	// Password, when set, is required from clients (requirepass) and used by
	// this package's own connections.
	Password string
	// ExtraArgs are passed to every redis-server.
	ExtraArgs []string
	// Timeout bounds the whole start (default 30s).
	Timeout time.Duration
}

// Node is one redis-server of the cluster.
type Node struct {
	Addr        string `json:"addr"`
	ClusterPort int    `json:"clusterPort"`
	PID         int    `json:"pid"`

	proc   *exec.Cmd
	exited chan error
}

// Cluster is a running local cluster.
type Cluster struct {
	Dir      string  `json:"dir"`
	Nodes    []*Node `json:"nodes"`
	Password string  `json:"-"`
}

// Addrs are the nodes' host:port, in order.
func (c *Cluster) Addrs() []string {
	addrs := make([]string, len(c.Nodes))
	for i, n := range c.Nodes {
		addrs[i] = n.Addr
	}
	return addrs
}

// URL is the REDIS_URL for the cluster: the comma-separated addresses.
func (c *Cluster) URL() string { return strings.Join(c.Addrs(), ",") }

// Start starts the nodes, assigns the slots, joins the nodes, and waits until
// the cluster is ok. On failure it stops whatever it started.
func Start(ctx context.Context, opts Options) (_ *Cluster, err error) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		return nil, errors.New("redis-server is not on PATH: install Redis (apt-get install redis-server)")
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	ports := opts.Ports
	if len(ports) == 0 {
		ports = []int{0, 0, 0}
	}
	c := &Cluster{Dir: opts.Dir, Password: opts.Password}
	defer func() {
		if err != nil {
			c.Stop()
		}
	}()
	for _, port := range ports {
		node, err := c.startNode(ctx, opts, port)
		if err != nil {
			return nil, err
		}
		c.Nodes = append(c.Nodes, node)
	}
	if err := c.writeState(); err != nil {
		return nil, err
	}
	if err := c.assignSlots(ctx); err != nil {
		return nil, err
	}
	if err := c.meet(ctx); err != nil {
		return nil, err
	}
	if err := c.waitOK(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// startNode starts one node and waits until it answers. A port of 0 takes a
// free one; a free port can be taken before redis-server binds it, so that
// case tries again with others.
func (c *Cluster) startNode(ctx context.Context, opts Options, port int) (*Node, error) {
	var lastErr error
	for range 5 {
		p, cport := port, 0
		var err error
		if p == 0 {
			if p, err = freePort(); err != nil {
				return nil, err
			}
		}
		// The cluster bus port defaults to port+10000, which may be above 65535
		// or taken: pick a free one.
		if cport, err = freePort(); err != nil {
			return nil, err
		}
		node, err := c.startNodeOn(ctx, opts, p, cport)
		if err == nil {
			return node, nil
		}
		lastErr = err
		if port != 0 {
			break // the caller asked for this port: do not pick another
		}
	}
	return nil, lastErr
}

func (c *Cluster) startNodeOn(ctx context.Context, opts Options, port, clusterPort int) (*Node, error) {
	dir := filepath.Join(opts.Dir, strconv.Itoa(port))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	// A nodes.conf left by an earlier cluster on this port would make the node
	// remember old peers and slots.
	os.Remove(filepath.Join(dir, "nodes.conf"))
	args := []string{
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--cluster-enabled", "yes", "--cluster-port", strconv.Itoa(clusterPort),
		"--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000",
		"--dir", dir, "--logfile", filepath.Join(dir, "redis.log"),
		"--save", "", "--appendonly", "no",
	}
	if opts.Password != "" {
		args = append(args, "--requirepass", opts.Password)
	}
	if opts.Daemonize {
		args = append(args, "--daemonize", "yes", "--pidfile", filepath.Join(dir, "redis.pid"))
	}
	args = append(args, opts.ExtraArgs...)
	node := &Node{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), ClusterPort: clusterPort}
	node.proc = exec.Command("redis-server", args...)
	if err := node.proc.Start(); err != nil {
		return nil, err
	}
	node.exited = make(chan error, 1)
	go func() { node.exited <- node.proc.Wait() }()
	if opts.Daemonize {
		// The first process forks the daemon and exits at once.
		if err := <-node.exited; err != nil {
			return nil, fmt.Errorf("redis-server on %s: %v (see %s)", node.Addr, err, filepath.Join(dir, "redis.log"))
		}
		node.proc, node.exited = nil, nil
	}

	client := c.client(node.Addr)
	defer client.Close()
	for {
		if node.exited != nil {
			select {
			case err := <-node.exited:
				node.proc = nil
				return nil, fmt.Errorf("redis-server on %s exited: %v (see %s)", node.Addr, err, filepath.Join(dir, "redis.log"))
			default:
			}
		}
		if client.Ping(ctx).Err() == nil {
			break
		}
		if ctx.Err() != nil {
			c.stopNode(node)
			return nil, fmt.Errorf("redis-server on %s did not answer (see %s)", node.Addr, filepath.Join(dir, "redis.log"))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if opts.Daemonize {
		pid, err := client.Do(ctx, "INFO", "server").Text()
		if err == nil {
			node.PID = infoInt(pid, "process_id")
		}
	} else {
		node.PID = node.proc.Process.Pid
	}
	return node, nil
}

// assignSlots gives each node an equal, contiguous share of the slots.
func (c *Cluster) assignSlots(ctx context.Context) error {
	n := len(c.Nodes)
	for i, node := range c.Nodes {
		first, last := i*Slots/n, (i+1)*Slots/n-1
		client := c.client(node.Addr)
		err := client.Do(ctx, "CLUSTER", "ADDSLOTSRANGE", first, last).Err()
		client.Close()
		if err != nil {
			return fmt.Errorf("CLUSTER ADDSLOTSRANGE %d %d on %s: %w", first, last, node.Addr, err)
		}
	}
	return nil
}

// meet introduces the first node to every other; gossip does the rest.
func (c *Cluster) meet(ctx context.Context) error {
	client := c.client(c.Nodes[0].Addr)
	defer client.Close()
	for _, node := range c.Nodes[1:] {
		host, port, _ := net.SplitHostPort(node.Addr)
		if err := client.Do(ctx, "CLUSTER", "MEET", host, port, node.ClusterPort).Err(); err != nil {
			return fmt.Errorf("CLUSTER MEET %s: %w", node.Addr, err)
		}
	}
	return nil
}

// waitOK waits until every node says cluster_state:ok, knows every node, and
// sees all the slots assigned: then any node routes any key.
func (c *Cluster) waitOK(ctx context.Context) error {
	last := ""
	for _, node := range c.Nodes {
		client := c.client(node.Addr)
		for {
			info, err := client.ClusterInfo(ctx).Result()
			if err == nil && strings.Contains(info, "cluster_state:ok") &&
				infoInt(info, "cluster_known_nodes") == len(c.Nodes) &&
				infoInt(info, "cluster_slots_assigned") == Slots {
				break
			}
			last = fmt.Sprintf("%s: %v %s", node.Addr, err, strings.Join(strings.Fields(info), " "))
			if ctx.Err() != nil {
				client.Close()
				return fmt.Errorf("the cluster did not become ok (last: %s)", last)
			}
			time.Sleep(50 * time.Millisecond)
		}
		client.Close()
	}
	return nil
}

// Stop stops every node at once, without saving. It is safe to call twice.
func (c *Cluster) Stop() {
	for _, node := range c.Nodes {
		c.stopNode(node)
	}
	os.Remove(filepath.Join(c.Dir, StateFile))
}

func (c *Cluster) stopNode(node *Node) {
	if node.proc != nil {
		node.proc.Process.Kill()
		<-node.exited
		node.proc = nil
		return
	}
	// A daemon started by another process: ask it to stop, and make sure.
	client := c.client(node.Addr)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	client.ShutdownNoSave(ctx) // the connection drops: the error is expected
	cancel()
	client.Close()
	if node.PID > 0 {
		if p, err := os.FindProcess(node.PID); err == nil && isRedisServer(node.PID) {
			p.Kill()
		}
	}
}

// isRedisServer guards the kill above against a pid reused by another program.
func isRedisServer(pid int) bool {
	comm, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "comm"))
	return err == nil && strings.HasPrefix(strings.TrimSpace(string(comm)), "redis-server")
}

// Load reads the state file of a cluster started in dir by another process.
func Load(dir, password string) (*Cluster, error) {
	data, err := os.ReadFile(filepath.Join(dir, StateFile))
	if err != nil {
		return nil, err
	}
	c := &Cluster{}
	if err := json.Unmarshal(data, c); err != nil {
		return nil, fmt.Errorf("%s: %w", StateFile, err)
	}
	c.Dir, c.Password = dir, password
	return c, nil
}

func (c *Cluster) writeState() error {
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(c.Dir, StateFile), append(data, '\n'), 0o644)
}

// client is a plain connection to one node, for the setup commands.
func (c *Cluster) client(addr string) *redis.Client {
	return redis.NewClient(&redis.Options{
		Addr: addr, Password: c.Password, DisableIdentity: true,
		MaxRetries: -1, DialTimeout: time.Second,
	})
}

// infoInt reads "name:value" from an INFO-style reply; 0 when absent.
func infoInt(info, name string) int {
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), name+":"); ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	return 0
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
