// Command bench measures what the workshop's services do on Redis Streams,
// beside redis-benchmark in the same run, so that the figures are ratios on
// one machine rather than absolute numbers from nowhere.
//
//	go run ./scripts/bench             all of it, about two minutes
//	go run ./scripts/bench -quick      a smoke run of a few seconds
//
// It measures:
//
//	drain    the real payment-service, with its real settings, paying a backlog
//	         of -n order events: events/s from its first payment to its last,
//	         and what each order cost in CPU time, of redis-server and of the
//	         service (-instances runs more than one instance on the backlog)
//	produce  order-service over HTTP at -c keep-alive clients: orders/s
//	e2e      order accepted (201) to its last notification, at -rate orders/s
//	baseline redis-benchmark XADD at -c clients, and pipelined with -P 16
//	memory   Redis used_memory after 1M and 2M orders, with the default trim bound
//
// It runs on the Redis at REDIS_URL when that is set (it deletes the
// workshop's keys there first), or on a redis-server it starts on a free
// loopback port. Without redis-server it falls back to the embedded broker,
// and labels the figures: they say nothing of Redis.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/redisconn"
	"github.com/streams-workshop/kit/testkit"
	"github.com/streams-workshop/scripts/percentile"
	"github.com/streams-workshop/scripts/services"
)

func main() { cli.Main("bench", run) }

// embeddedMode labels figures taken on miniredis: they measure Go code, not Redis.
const embeddedMode = "embedded (miniredis): not comparable"

// settings are the bench's flags.
type settings struct {
	drainN        int
	instances     int // payment-service instances in the drain
	clients       int
	produceFor    time.Duration
	rate          int
	e2eFor        time.Duration
	memoryOrders  int
	runs          int
	skipMemory    bool
	benchmarkPath string
	wrkPath       string // empty: produce uses its own Go client
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := cli.Flags("bench", "go run ./scripts/bench [flags]",
		"Measures the services' throughput and latency, with redis-benchmark as the baseline\n"+
			"in the same run. Prints a table, then `bench: name=value` lines.\n"+
			"Uses the Redis at REDIS_URL when set (deleting the workshop's keys there),\n"+
			"else starts redis-server on a free loopback port.", stderr)
	var s settings
	flags.IntVar(&s.drainN, "n", 200_000, "order events in the drain backlog")
	flags.IntVar(&s.instances, "instances", 1, "payment-service instances draining the backlog together")
	flags.IntVar(&s.clients, "c", 50, "concurrent keep-alive HTTP clients for produce (and redis-benchmark)")
	flags.DurationVar(&s.produceFor, "produce-for", 5*time.Second, "how long each produce run lasts")
	flags.IntVar(&s.rate, "rate", 1000, "orders per second for the end-to-end latency run")
	flags.DurationVar(&s.e2eFor, "e2e-for", 20*time.Second, "how long the end-to-end latency run lasts")
	flags.IntVar(&s.memoryOrders, "memory-orders", 1_000_000, "orders per memory step (measured after 1× and 2×)")
	flags.IntVar(&s.runs, "runs", 3, "runs of drain, produce and the baselines; medians are reported")
	flags.BoolVar(&s.skipMemory, "skip-memory", false, "skip the memory measurement")
	quick := flags.Bool("quick", false, "a smoke run: tiny sizes, one run")
	only := flags.String("only", "", "run only these measures, comma-separated: drain,produce,baseline,e2e,memory")
	serverMode := flags.String("server", "", "without REDIS_URL, the server to start: real (redis-server) or embedded\n(default: real when redis-server is installed)")
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	if *quick {
		s = settings{drainN: 2000, instances: s.instances, clients: 4, produceFor: 500 * time.Millisecond, rate: 100,
			e2eFor: time.Second, memoryOrders: 5000, runs: 1}
	}
	if s.drainN <= 0 || s.instances <= 0 || s.clients <= 0 || s.rate <= 0 || s.runs <= 0 || s.memoryOrders <= 0 {
		return fmt.Errorf("-n, -instances, -c, -rate, -runs and -memory-orders must be positive")
	}
	s.benchmarkPath, _ = exec.LookPath("redis-benchmark")
	s.wrkPath, _ = exec.LookPath("wrk")
	want := func(measure string) bool {
		return *only == "" || slices.Contains(strings.Split(*only, ","), measure)
	}

	progress := newProgress(stderr)
	defer progress.done()

	// The Redis under test.
	target, stop, mode, err := redisUnderTest(ctx, getenv, *serverMode, progress)
	if err != nil {
		return err
	}
	defer stop()
	rdb, err := redisconn.NewClient(target)
	if err != nil {
		return err
	}
	defer rdb.Close()

	// The real services, built as `go run` would.
	binDir, err := os.MkdirTemp("", "streams-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(binDir)
	progress.say("building the services")
	root, err := workspaceRoot()
	if err != nil {
		return err
	}
	if err := services.Build(ctx, root, binDir); err != nil {
		return err
	}
	// The services get REDIS_URL as the user gave it, credentials and all, or
	// the address of the server the bench started.
	redisURL := getenv("REDIS_URL")
	if redisURL == "" {
		redisURL = target.Addrs[0]
	}
	env := []string{"REDIS_URL=" + redisURL}
	b := &bench{ctx: ctx, rdb: rdb, target: target, binDir: binDir, env: env, s: s, progress: progress}

	results := &results{mode: mode}
	for i := 1; i <= s.runs; i++ {
		if want("drain") {
			progress.say(fmt.Sprintf("run %d/%d: drain of %d events", i, s.runs, s.drainN))
			d, err := b.drain()
			if err != nil {
				return fmt.Errorf("drain: %w", err)
			}
			results.drain = append(results.drain, d.rate)
			if d.redisCPU > 0 {
				results.drainRedisCPU = append(results.drainRedisCPU, d.redisCPU)
			}
			results.drainServiceCPU = append(results.drainServiceCPU, d.serviceCPU)
		}
		if want("produce") {
			progress.say(fmt.Sprintf("run %d/%d: produce with %d clients", i, s.runs, s.clients))
			rate, err := b.produce()
			if err != nil {
				return fmt.Errorf("produce: %w", err)
			}
			results.produce = append(results.produce, rate)
		}
		if want("baseline") && s.benchmarkPath != "" && !target.Cluster() && !target.TLS {
			progress.say(fmt.Sprintf("run %d/%d: redis-benchmark XADD", i, s.runs))
			xadd, xaddP16, err := b.baselines()
			if err != nil {
				return fmt.Errorf("redis-benchmark: %w", err)
			}
			results.xadd = append(results.xadd, xadd)
			results.xaddP16 = append(results.xaddP16, xaddP16)
		}
	}

	if want("e2e") {
		progress.say(fmt.Sprintf("end to end at %d orders/s for %s", s.rate, s.e2eFor))
		if results.e2e, err = b.endToEnd(); err != nil {
			return fmt.Errorf("end to end: %w", err)
		}
	}
	if want("memory") && !s.skipMemory && mode != embeddedMode {
		progress.say(fmt.Sprintf("memory after %d and %d orders", s.memoryOrders, 2*s.memoryOrders))
		if results.mem1, results.mem2, err = b.memory(); err != nil {
			return fmt.Errorf("memory: %w", err)
		}
	}
	progress.done()
	results.print(stdout, s)
	return nil
}

// redisUnderTest is REDIS_URL's server, or one we start: redis-server when it
// is installed, else the embedded broker.
func redisUnderTest(ctx context.Context, getenv func(string) string, mode string, progress *progress) (redisconn.Target, func(), string, error) {
	if getenv("REDIS_URL") != "" {
		client, target, err := redisconn.Connect(ctx, getenv, redisconn.Redis70)
		if err != nil {
			return target, nil, "", err
		}
		client.Close()
		progress.say("using REDIS_URL " + target.String() + " (the workshop's keys there are deleted)")
		return target, func() {}, "redis at REDIS_URL", nil
	}
	switch mode {
	case "real", "embedded":
	case "":
		mode = "embedded"
		if _, err := exec.LookPath("redis-server"); err == nil {
			mode = "real"
		}
	default:
		return redisconn.Target{}, nil, "", fmt.Errorf("-server %q: want real or embedded", mode)
	}
	dir, err := os.MkdirTemp("", "streams-bench-redis-")
	if err != nil {
		return redisconn.Target{}, nil, "", err
	}
	srv, err := testkit.Start(mode, dir)
	if err != nil {
		os.RemoveAll(dir)
		return redisconn.Target{}, nil, "", err
	}
	stop := func() { srv.Close(); os.RemoveAll(dir) }
	if mode == "embedded" {
		progress.say("using the embedded broker: its figures say nothing of Redis")
		return redisconn.Target{Addrs: []string{srv.Addr()}}, stop, embeddedMode, nil
	}
	progress.say("started redis-server on " + srv.Addr())
	return redisconn.Target{Addrs: []string{srv.Addr()}}, stop, "redis-server started by the bench", nil
}

// workspaceRoot finds the folder that holds go.work, from the current one up.
func workspaceRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.work above the current folder: run the bench from the workshop")
		}
		dir = parent
	}
}

// results holds every run's figures.
type results struct {
	mode           string
	drain, produce []float64 // per second
	xadd, xaddP16  []float64 // redis-benchmark, per second
	e2e            latencies
	mem1, mem2     int64 // bytes

	// CPU time per order in the drain, in µs: redis-server's (when it says),
	// and payment-service's (all instances).
	drainRedisCPU, drainServiceCPU []float64
}

// median is the median of xs, 0 when there are none.
func median(xs []float64) float64 { return percentile.Of(xs, 0.5) }

func (r *results) print(w io.Writer, s settings) {
	comparable := strings.HasPrefix(r.mode, "redis")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Redis:\t%s\n", r.mode)
	fmt.Fprintf(tw, "Machine:\t%s/%s, %d CPUs, %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	fmt.Fprintf(tw, "Runs:\t%d (medians)\n", s.runs)
	loadGenerator := "the bench's Go HTTP client (install wrk for a lighter one)"
	if s.wrkPath != "" {
		loadGenerator = "wrk"
	}
	fmt.Fprintf(tw, "Produce load:\t%s\n\n", loadGenerator)
	fmt.Fprintf(tw, "measure\tmedian\truns\tvs baseline\n")
	ratio := func(x, base []float64) string {
		if v, ok := ratioOf(comparable, x, base); ok {
			return fmt.Sprintf("%.2f×", v)
		}
		return "n/a"
	}
	if len(r.drain) > 0 {
		instances := ""
		if s.instances > 1 {
			instances = fmt.Sprintf(", %d instances", s.instances)
		}
		fmt.Fprintf(tw, "drain (events/s%s)\t%.0f\t%s\t%s of XADD -P 16\n", instances, median(r.drain), list(r.drain), ratio(r.drain, r.xaddP16))
		if len(r.drainRedisCPU) > 0 {
			fmt.Fprintf(tw, "  redis-server CPU per order (µs)\t%.2f\t%s\t\n", median(r.drainRedisCPU), listf(r.drainRedisCPU))
		}
		fmt.Fprintf(tw, "  payment-service CPU per order (µs)\t%.2f\t%s\t\n", median(r.drainServiceCPU), listf(r.drainServiceCPU))
	}
	if len(r.produce) > 0 {
		fmt.Fprintf(tw, "produce (orders/s, %d clients)\t%.0f\t%s\t%s of XADD\n", s.clients, median(r.produce), list(r.produce), ratio(r.produce, r.xadd))
	}
	if len(r.xadd) > 0 {
		fmt.Fprintf(tw, "redis-benchmark XADD (%d clients)\t%.0f\t%s\t\n", s.clients, median(r.xadd), list(r.xadd))
		fmt.Fprintf(tw, "redis-benchmark XADD -P 16\t%.0f\t%s\t\n", median(r.xaddP16), list(r.xaddP16))
	} else {
		fmt.Fprintf(tw, "redis-benchmark\tnot run\t\t(not installed, not asked for, or a cluster or TLS target)\n")
	}
	if len(r.e2e) > 0 {
		fmt.Fprintf(tw, "end to end at %d orders/s\tp50 %.2f ms\tp99 %.2f ms\tmax %.2f ms (%d orders)\n",
			s.rate, percentile.Of(r.e2e, 0.50), percentile.Of(r.e2e, 0.99), percentile.Of(r.e2e, 1), len(r.e2e))
	}
	if r.mem1 > 0 {
		fmt.Fprintf(tw, "used_memory after %d / %d orders\t%.1f MB\t%.1f MB\t%+.1f%%\n", s.memoryOrders, 2*s.memoryOrders,
			mb(r.mem1), mb(r.mem2), 100*(float64(r.mem2)/float64(r.mem1)-1))
	}
	tw.Flush()

	fmt.Fprintln(w)
	line := func(name string, format string, v any) { fmt.Fprintf(w, "bench: %s="+format+"\n", name, v) }
	line("redis", "%q", r.mode)
	line("produce_load", "%s", map[bool]string{true: "wrk", false: "go"}[s.wrkPath != ""])
	if len(r.drain) > 0 {
		line("drain_events_per_s", "%.0f", median(r.drain))
		if len(r.drainRedisCPU) > 0 {
			line("drain_redis_cpu_us_per_order", "%.2f", median(r.drainRedisCPU))
		}
		line("drain_service_cpu_us_per_order", "%.2f", median(r.drainServiceCPU))
	}
	if len(r.produce) > 0 {
		line("produce_orders_per_s", "%.0f", median(r.produce))
	}
	if comparable && len(r.xadd) > 0 {
		line("xadd_per_s", "%.0f", median(r.xadd))
		line("xadd_p16_per_s", "%.0f", median(r.xaddP16))
	}
	if len(r.drain) > 0 {
		line("drain_vs_xadd_p16", "%s", ratioValue(comparable, r.drain, r.xaddP16))
	}
	if len(r.produce) > 0 {
		line("produce_vs_xadd", "%s", ratioValue(comparable, r.produce, r.xadd))
	}
	if len(r.e2e) > 0 {
		line("e2e_p50_ms", "%.2f", percentile.Of(r.e2e, 0.50))
		line("e2e_p99_ms", "%.2f", percentile.Of(r.e2e, 0.99))
		line("e2e_max_ms", "%.2f", percentile.Of(r.e2e, 1))
	}
	if r.mem1 > 0 {
		line("redis_used_memory_mb_1m", "%.1f", mb(r.mem1))
		line("redis_used_memory_mb_2m", "%.1f", mb(r.mem2))
	}
}

// ratioOf is x's median over base's; false when they cannot be compared.
func ratioOf(comparable bool, x, base []float64) (float64, bool) {
	if !comparable || len(base) == 0 || median(base) == 0 {
		return 0, false
	}
	return median(x) / median(base), true
}

// ratioValue is ratioOf for the bench: lines, or n/a.
func ratioValue(comparable bool, x, base []float64) string {
	if v, ok := ratioOf(comparable, x, base); ok {
		return fmt.Sprintf("%.3f", v)
	}
	return "n/a"
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }

func list(xs []float64) string { return listFormat("%.0f", xs) }

func listf(xs []float64) string { return listFormat("%.2f", xs) }

func listFormat(format string, xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf(format, x)
	}
	return strings.Join(parts, " ")
}
