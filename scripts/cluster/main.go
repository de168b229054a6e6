// Command cluster starts and stops a local Redis Cluster of three masters,
// made of redis-server processes on loopback ports, to run the workshop's
// system on a cluster:
//
//	go run ./scripts/cluster start     # prints the REDIS_URL to use
//	go run ./scripts/cluster status
//	go run ./scripts/cluster stop
//
// The nodes run in the background until `stop`. Their folders (nodes.conf,
// logs) live in -dir. Nothing is saved to disk.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/testkit/localcluster"
)

func main() { cli.Main("cluster", run) }

const description = `Starts, shows or stops a local Redis Cluster of three masters (no replicas),
made of redis-server processes on 127.0.0.1. Each master owns a third of the
16384 hash slots. Point the services at it with the REDIS_URL that start prints.

Commands:
  start   start the nodes, assign the slots, join them, wait for cluster_state:ok
  status  show each node and its slots
  stop    stop the nodes and remove their folders`

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := cli.Flags("cluster", "go run ./scripts/cluster [flags] start|status|stop", description, stderr)
	dir := flags.String("dir", filepath.Join(os.TempDir(), "streams-workshop-cluster"), "folder for the nodes' files")
	portsFlag := flags.String("ports", "7000,7001,7002", "the masters' client ports, comma-separated")
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	if flags.NArg() != 1 {
		flags.Usage()
		return cli.ErrUsage
	}
	switch flags.Arg(0) {
	case "start":
		ports, err := parsePorts(*portsFlag)
		if err != nil {
			return err
		}
		return start(ctx, *dir, ports, stdout)
	case "status":
		return status(ctx, *dir, stdout)
	case "stop":
		return stop(*dir, stdout)
	default:
		flags.Usage()
		return cli.ErrUsage
	}
}

func parsePorts(s string) ([]int, error) {
	var ports []int
	for _, f := range strings.Split(s, ",") {
		p, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || p <= 0 || p > 65535 {
			return nil, fmt.Errorf("-ports %q: want port numbers separated by commas, such as 7000,7001,7002", s)
		}
		ports = append(ports, p)
	}
	if len(ports) < 3 {
		return nil, errors.New("-ports: a Redis Cluster needs at least 3 masters")
	}
	return ports, nil
}

func start(ctx context.Context, dir string, ports []int, stdout io.Writer) error {
	if _, err := os.Stat(filepath.Join(dir, localcluster.StateFile)); err == nil {
		return fmt.Errorf("a cluster is already running from %s: run `go run ./scripts/cluster stop` first", dir)
	}
	c, err := localcluster.Start(ctx, localcluster.Options{Dir: dir, Ports: ports, Daemonize: true})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Redis Cluster ready: %d masters, %d slots each.\n", len(c.Nodes), localcluster.Slots/len(c.Nodes))
	for _, n := range c.Nodes {
		fmt.Fprintf(stdout, "  %s (pid %d)\n", n.Addr, n.PID)
	}
	fmt.Fprintf(stdout, "Use it with:\n  export REDIS_URL=%s\n", c.URL())
	fmt.Fprintf(stdout, "Stop it with:\n  go run ./scripts/cluster stop\n")
	return nil
}

// load reads the state of the cluster started from dir; nil when none is.
func load(dir string, stdout io.Writer) (*localcluster.Cluster, error) {
	c, err := localcluster.Load(dir, "")
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(stdout, "No cluster is running from %s.\n", dir)
		return nil, nil
	}
	return c, err
}

func status(ctx context.Context, dir string, stdout io.Writer) error {
	c, err := load(dir, stdout)
	if c == nil || err != nil {
		return err
	}
	client := redis.NewClient(&redis.Options{Addr: c.Nodes[0].Addr, DisableIdentity: true, MaxRetries: -1})
	defer client.Close()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	info, err := client.ClusterInfo(ctx).Result()
	if err != nil {
		return fmt.Errorf("%s does not answer: %w", c.Nodes[0].Addr, err)
	}
	for _, line := range strings.Split(info, "\n") {
		if strings.HasPrefix(line, "cluster_state:") {
			fmt.Fprintln(stdout, strings.TrimSpace(line))
		}
	}
	slots, err := client.ClusterSlots(ctx).Result()
	if err != nil {
		return err
	}
	for _, s := range slots {
		if len(s.Nodes) > 0 {
			fmt.Fprintf(stdout, "  slots %5d-%5d  %s\n", s.Start, s.End, s.Nodes[0].Addr)
		}
	}
	fmt.Fprintf(stdout, "REDIS_URL=%s\n", c.URL())
	return nil
}

func stop(dir string, stdout io.Writer) error {
	c, err := load(dir, stdout)
	if c == nil || err != nil {
		return err
	}
	c.Stop()
	for _, n := range c.Nodes {
		_, port, _ := strings.Cut(n.Addr, ":")
		os.RemoveAll(filepath.Join(dir, port))
	}
	os.Remove(dir) // only when empty: never remove what we did not create
	fmt.Fprintf(stdout, "Stopped %d nodes.\n", len(c.Nodes))
	return nil
}
