// Command bench measures what the workshop's services do on Redis Streams,
// beside redis-benchmark in the same run, so that the figures are ratios on
// one machine rather than absolute numbers from nowhere.
//
//	go run ./scripts/bench             all of it, about three minutes
//	go run ./scripts/bench -quick      a smoke run of a few seconds
//	go run ./scripts/bench -against 9047211 -only e2e
//	                                   this tree and an older one, in turn
//	go run ./scripts/bench -against 9047211 -only e2e -swap payment-service
//	                                   the same, this tree running the older
//	                                   payment-service: which service differs
//
// It measures:
//
//	drain    the real payment-service, with its real settings, paying a backlog
//	         of -n order events: events/s from its first payment to its last,
//	         and what each order cost in CPU time, of redis-server and of the
//	         service (-instances runs more than one instance on the backlog)
//	produce  order-service over HTTP at -c keep-alive clients: orders/s
//	e2e      order accepted (201) to its last notification, at -rate orders/s
//	         for -e2e-for: p50, p99 and max of each run; and p50 and p99 from
//	         the request sent, which counts order-service's answer too
//	baseline redis-benchmark XADD at -c clients, and pipelined with -P 16
//	memory   Redis used_memory after 1M and 2M orders, with the default trim bound
//
// It runs on the Redis at REDIS_URL when that is set (it deletes the
// workshop's keys there first), or on a redis-server it starts on a free
// loopback port. Without redis-server it falls back to the embedded broker,
// and labels the figures: they say nothing of Redis.
//
// With -against REV it also builds the services of that git revision (from a
// git worktree in a temporary folder, removed once they are built) and runs
// each chosen measure on both trees in every round, the two taking turns to
// go first; it prints both medians and their ratio.
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
	against       string   // a git revision whose services are measured too
	swap          []string // services of against that this tree runs too
	benchmarkPath string
	wrkPath       string // empty: produce uses its own Go client
}

// tree is one build of the services, and what was measured of it.
type tree struct {
	label  string // "this tree", or the revision of -against
	binDir string
	res    *results
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	s, want, serverMode, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	progress := newProgress(stderr)
	defer progress.done()

	// The Redis under test.
	target, stop, mode, err := redisUnderTest(ctx, getenv, serverMode, progress)
	if err != nil {
		return err
	}
	defer stop()
	rdb, err := redisconn.NewClient(target)
	if err != nil {
		return err
	}
	defer rdb.Close()

	// The real services, built as `go run` would, and -against's.
	trees, cleanup, err := buildTrees(ctx, s.against, s.swap, mode, progress)
	defer cleanup()
	if err != nil {
		return err
	}
	// The services get REDIS_URL as the user gave it, credentials and all, or
	// the address of the server the bench started.
	redisURL := getenv("REDIS_URL")
	if redisURL == "" {
		redisURL = target.Addrs[0]
	}
	env := []string{"REDIS_URL=" + redisURL}
	b := &bench{ctx: ctx, rdb: rdb, target: target, env: env, s: s, progress: progress}

	for i := 1; i <= s.runs; i++ {
		// Alternate which tree goes first, so that neither always runs on a
		// machine warmed, or slowed, by the other.
		for j := range trees {
			t := trees[(i-1+j)%len(trees)]
			if err := b.measureTree(t, want, i); err != nil {
				return err
			}
		}
		if want("baseline") && s.benchmarkPath != "" && !target.Cluster() && !target.TLS {
			progress.say(fmt.Sprintf("run %d/%d: redis-benchmark XADD", i, s.runs))
			xadd, xaddP16, err := b.baselines()
			if err != nil {
				return fmt.Errorf("redis-benchmark: %w", err)
			}
			for _, t := range trees { // one baseline per round, for both trees
				t.res.xadd = append(t.res.xadd, xadd)
				t.res.xaddP16 = append(t.res.xaddP16, xaddP16)
			}
		}
	}
	if want("memory") && !s.skipMemory && mode != embeddedMode {
		progress.say(fmt.Sprintf("memory after %d and %d orders", s.memoryOrders, 2*s.memoryOrders))
		res := trees[0].res
		if res.mem1, res.mem2, err = b.memory(); err != nil {
			return fmt.Errorf("memory: %w", err)
		}
	}
	progress.done()
	trees[0].res.print(stdout, s)
	if len(trees) > 1 {
		printAgainst(stdout, s, trees[0], trees[1])
	}
	return nil
}

// parseFlags reads the flags; want says whether a measure is to run.
func parseFlags(args []string, stderr io.Writer) (s settings, want func(string) bool, serverMode string, err error) {
	flags := cli.Flags("bench", "go run ./scripts/bench [flags]",
		"Measures the services' throughput and latency, with redis-benchmark as the baseline\n"+
			"in the same run. Prints a table, then `bench: name=value` lines.\n"+
			"Uses the Redis at REDIS_URL when set (deleting the workshop's keys there),\n"+
			"else starts redis-server on a free loopback port.", stderr)
	flags.IntVar(&s.drainN, "n", 200_000, "order events in the drain backlog")
	flags.IntVar(&s.instances, "instances", 1, "payment-service instances draining the backlog together")
	flags.IntVar(&s.clients, "c", 50, "concurrent keep-alive HTTP clients for produce (and redis-benchmark)")
	flags.DurationVar(&s.produceFor, "produce-for", 5*time.Second, "how long each produce run lasts")
	flags.IntVar(&s.rate, "rate", 1000, "orders per second for the end-to-end latency run")
	flags.DurationVar(&s.e2eFor, "e2e-for", 20*time.Second, "how long each end-to-end latency run lasts")
	flags.IntVar(&s.memoryOrders, "memory-orders", 1_000_000, "orders per memory step (measured after 1× and 2×)")
	flags.IntVar(&s.runs, "runs", 3, "runs of drain, produce, e2e and the baselines; medians are reported")
	flags.BoolVar(&s.skipMemory, "skip-memory", false, "skip the memory measurement")
	flags.StringVar(&s.against, "against", "", "a git revision (9047211, HEAD~3, ...): build its services too, run each\n"+
		"measure on both trees in alternating rounds, and print both medians and their ratio")
	swap := flags.String("swap", "", "with -against: run these services of that revision in this tree's rounds\n"+
		"too (payment-service,notification-service), to see which one makes a difference")
	quick := flags.Bool("quick", false, "a smoke run: tiny sizes, one run")
	only := flags.String("only", "", "run only these measures, comma-separated: drain,produce,baseline,e2e,memory")
	flags.StringVar(&serverMode, "server", "", "without REDIS_URL, the server to start: real (redis-server) or embedded\n(default: real when redis-server is installed)")
	if err := cli.Parse(flags, args); err != nil {
		return s, nil, "", err
	}
	if *quick {
		s = settings{drainN: 2000, instances: s.instances, clients: 4, produceFor: 500 * time.Millisecond, rate: 100,
			e2eFor: time.Second, memoryOrders: 5000, runs: 1, against: s.against}
	}
	if *swap != "" {
		if s.against == "" {
			return s, nil, "", fmt.Errorf("-swap needs -against")
		}
		s.swap = strings.Split(*swap, ",")
	}
	if s.drainN <= 0 || s.instances <= 0 || s.clients <= 0 || s.rate <= 0 || s.runs <= 0 || s.memoryOrders <= 0 {
		return s, nil, "", fmt.Errorf("-n, -instances, -c, -rate, -runs and -memory-orders must be positive")
	}
	s.benchmarkPath, _ = exec.LookPath("redis-benchmark")
	s.wrkPath, _ = exec.LookPath("wrk")
	want = func(measure string) bool {
		return *only == "" || slices.Contains(strings.Split(*only, ","), measure)
	}
	return s, want, serverMode, nil
}

// buildTrees builds this tree's services, and those of the revision against
// when it is set, each into a temporary folder that cleanup removes.
func buildTrees(ctx context.Context, against string, swap []string, mode string, progress *progress) (trees []*tree, cleanup func(), err error) {
	var dirs []string
	cleanup = func() {
		for _, d := range dirs {
			os.RemoveAll(d)
		}
	}
	root, err := workspaceRoot()
	if err != nil {
		return nil, cleanup, err
	}
	binDir, err := os.MkdirTemp("", "streams-bench-")
	if err != nil {
		return nil, cleanup, err
	}
	dirs = append(dirs, binDir)
	progress.say("building the services")
	if err := services.Build(ctx, root, binDir); err != nil {
		return nil, cleanup, err
	}
	trees = append(trees, &tree{label: "this tree", binDir: binDir, res: newResults(mode)})
	if against == "" {
		return trees, cleanup, nil
	}
	otherDir, err := os.MkdirTemp("", "streams-bench-against-")
	if err != nil {
		return nil, cleanup, err
	}
	dirs = append(dirs, otherDir)
	progress.say("building the services of " + against)
	label, err := buildRevision(ctx, root, against, otherDir)
	if err != nil {
		return nil, cleanup, fmt.Errorf("-against %s: %w", against, err)
	}
	trees = append(trees, &tree{label: label, binDir: otherDir, res: newResults(mode)})
	for _, name := range swap {
		binary, err := os.ReadFile(filepath.Join(otherDir, name))
		if err != nil {
			return nil, cleanup, fmt.Errorf("-swap: %w", err)
		}
		if err := os.WriteFile(filepath.Join(binDir, name), binary, 0o755); err != nil {
			return nil, cleanup, err
		}
	}
	return trees, cleanup, nil
}

// buildRevision builds the services of a git revision of the workshop into
// binDir: from a git worktree in a temporary folder, removed once they are
// built. It returns the revision's short hash.
func buildRevision(ctx context.Context, root, rev, binDir string) (string, error) {
	git := func(args ...string) (string, error) {
		cmd := services.Command(ctx, "git", append([]string{"-C", root}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out)), nil
	}
	hash, err := git("rev-parse", "--short", "--verify", rev+"^{commit}")
	if err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp("", "streams-bench-worktree-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	src := filepath.Join(tmp, hash)
	if _, err := git("worktree", "add", "--detach", src, hash); err != nil {
		return "", err
	}
	defer func() { // even after Ctrl-C
		exec.Command("git", "-C", root, "worktree", "remove", "--force", src).Run()
	}()
	return hash, services.Build(ctx, src, binDir)
}

// measureTree runs run i of drain, produce and e2e, as wanted, on a tree's
// services.
func (b *bench) measureTree(t *tree, want func(string) bool, i int) error {
	b.binDir = t.binDir
	of := ""
	if t.label != "this tree" {
		of = " of " + t.label
	}
	res := t.res
	if want("drain") {
		b.progress.say(fmt.Sprintf("run %d/%d: drain of %d events%s", i, b.s.runs, b.s.drainN, of))
		d, err := b.drain()
		if err != nil {
			return fmt.Errorf("drain%s: %w", of, err)
		}
		res.drain = append(res.drain, d.rate)
		if d.redisCPU > 0 {
			res.drainRedisCPU = append(res.drainRedisCPU, d.redisCPU)
		}
		res.drainServiceCPU = append(res.drainServiceCPU, d.serviceCPU)
	}
	if want("produce") {
		b.progress.say(fmt.Sprintf("run %d/%d: produce with %d clients%s", i, b.s.runs, b.s.clients, of))
		rate, err := b.produce()
		if err != nil {
			return fmt.Errorf("produce%s: %w", of, err)
		}
		res.produce = append(res.produce, rate)
	}
	if want("e2e") {
		b.progress.say(fmt.Sprintf("run %d/%d: end to end at %d orders/s for %s%s", i, b.s.runs, b.s.rate, b.s.e2eFor, of))
		t, err := b.endToEnd()
		if err != nil {
			return fmt.Errorf("end to end%s: %w", of, err)
		}
		l := t.fromAccepted
		res.e2eP50 = append(res.e2eP50, percentile.Of(l, 0.50))
		res.e2eP99 = append(res.e2eP99, percentile.Of(l, 0.99))
		res.e2eMax = append(res.e2eMax, percentile.Of(l, 1))
		res.e2eOrders += len(l)
		res.e2eSendP50 = append(res.e2eSendP50, percentile.Of(t.fromSent, 0.50))
		res.e2eSendP99 = append(res.e2eSendP99, percentile.Of(t.fromSent, 0.99))
		for _, name := range e2eServices {
			res.e2eCPU[name] = append(res.e2eCPU[name], t.cpu[name])
		}
		for _, stage := range e2eStages {
			res.e2eStageP50[stage] = append(res.e2eStageP50[stage], percentile.Of(t.stages[stage], 0.50))
			res.e2eStageP99[stage] = append(res.e2eStageP99[stage], percentile.Of(t.stages[stage], 0.99))
		}
	}
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

// e2eServices are the services whose CPU per order the end-to-end run reports.
var e2eServices = []string{"order-service", "payment-service", "notification-service"}

func newResults(mode string) *results {
	return &results{mode: mode, e2eCPU: map[string][]float64{}, e2eStageP50: map[string][]float64{}, e2eStageP99: map[string][]float64{}}
}

// results holds every run's figures.
type results struct {
	mode           string
	drain, produce []float64 // per second
	xadd, xaddP16  []float64 // redis-benchmark, per second
	// End to end, per run: p50, p99 and max in ms, and the orders timed.
	e2eP50, e2eP99, e2eMax []float64
	e2eOrders              int
	// The same from the request sent, before order-service answered: this
	// counts order-service's own time too.
	e2eSendP50, e2eSendP99 []float64
	// e2eCPU is each service's CPU time per order (µs), once the load starts.
	e2eCPU map[string][]float64
	// The p50 and p99 of each of e2eStages (ms), per run.
	e2eStageP50, e2eStageP99 map[string][]float64
	mem1, mem2               int64 // bytes

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
	if len(r.e2eP99) > 0 {
		fmt.Fprintf(tw, "end to end at %d orders/s\tp50 %.2f ms\tp99 %.2f ms\tmax %.2f ms (%d orders)\n",
			s.rate, median(r.e2eP50), median(r.e2eP99), median(r.e2eMax), r.e2eOrders)
		if len(r.e2eP99) > 1 {
			fmt.Fprintf(tw, "  p99 of each run (ms)\t%s\t\t\n", listf(r.e2eP99))
		}
		fmt.Fprintf(tw, "  from the request sent\tp50 %.2f ms\tp99 %.2f ms\t\n", median(r.e2eSendP50), median(r.e2eSendP99))
		for _, stage := range e2eStages {
			fmt.Fprintf(tw, "  %s\tp50 %.2f ms\tp99 %.2f ms\t\n", strings.ReplaceAll(stage, "_", " "), median(r.e2eStageP50[stage]), median(r.e2eStageP99[stage]))
		}
		for _, name := range e2eServices {
			fmt.Fprintf(tw, "  %s CPU per order (µs)\t%.1f\t%s\t\n", name, median(r.e2eCPU[name]), listf(r.e2eCPU[name]))
		}
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
	if len(r.e2eP99) > 0 {
		line("e2e_p50_ms", "%.2f", median(r.e2eP50))
		line("e2e_p99_ms", "%.2f", median(r.e2eP99))
		line("e2e_max_ms", "%.2f", median(r.e2eMax))
		line("e2e_from_send_p50_ms", "%.2f", median(r.e2eSendP50))
		line("e2e_from_send_p99_ms", "%.2f", median(r.e2eSendP99))
		for _, stage := range e2eStages {
			line("e2e_"+stage+"_p50_ms", "%.2f", median(r.e2eStageP50[stage]))
			line("e2e_"+stage+"_p99_ms", "%.2f", median(r.e2eStageP99[stage]))
		}
		for _, name := range e2eServices {
			line("e2e_cpu_us_per_order_"+strings.ReplaceAll(name, "-", "_"), "%.1f", median(r.e2eCPU[name]))
		}
	}
	if r.mem1 > 0 {
		line("redis_used_memory_mb_1m", "%.1f", mb(r.mem1))
		line("redis_used_memory_mb_2m", "%.1f", mb(r.mem2))
	}
}

// printAgainst compares this tree with -against's: both medians, and their
// ratio (this tree's over the other's: above 1 is more time, or more speed).
func printAgainst(w io.Writer, s settings, this, other *tree) {
	fmt.Fprintf(w, "\nThis tree against %s (its services, on the same Redis, in %d alternating rounds):\n", other.label, s.runs)
	if len(s.swap) > 0 {
		fmt.Fprintf(w, "this tree ran %s's %s (-swap)\n", other.label, strings.Join(s.swap, ", "))
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "measure\tthis tree\t%s\tratio\truns (this tree; %s)\n", other.label, other.label)
	var lines []string
	compare := func(name, label, format string, x, y []float64) {
		if len(x) == 0 || len(y) == 0 {
			return
		}
		ratio := median(x) / median(y)
		fmt.Fprintf(tw, "%s\t"+format+"\t"+format+"\t%.2f×\t%s; %s\n", label, median(x), median(y), ratio, listFormat(format, x), listFormat(format, y))
		lines = append(lines, fmt.Sprintf("against_%s="+format, name, median(y)), fmt.Sprintf("%s_vs_against=%.3f", name, ratio))
	}
	compare("drain_events_per_s", "drain (events/s)", "%.0f", this.res.drain, other.res.drain)
	compare("drain_redis_cpu_us_per_order", "  redis-server CPU per order (µs)", "%.2f", this.res.drainRedisCPU, other.res.drainRedisCPU)
	compare("drain_service_cpu_us_per_order", "  payment-service CPU per order (µs)", "%.2f", this.res.drainServiceCPU, other.res.drainServiceCPU)
	compare("produce_orders_per_s", "produce (orders/s)", "%.0f", this.res.produce, other.res.produce)
	compare("e2e_p50_ms", fmt.Sprintf("end to end p50 at %d orders/s (ms)", s.rate), "%.2f", this.res.e2eP50, other.res.e2eP50)
	compare("e2e_p99_ms", fmt.Sprintf("end to end p99 at %d orders/s (ms)", s.rate), "%.2f", this.res.e2eP99, other.res.e2eP99)
	compare("e2e_from_send_p50_ms", "  from the request sent, p50 (ms)", "%.2f", this.res.e2eSendP50, other.res.e2eSendP50)
	compare("e2e_from_send_p99_ms", "  from the request sent, p99 (ms)", "%.2f", this.res.e2eSendP99, other.res.e2eSendP99)
	for _, stage := range e2eStages {
		words := strings.ReplaceAll(stage, "_", " ")
		compare("e2e_"+stage+"_p50_ms", "  "+words+", p50 (ms)", "%.2f", this.res.e2eStageP50[stage], other.res.e2eStageP50[stage])
		compare("e2e_"+stage+"_p99_ms", "  "+words+", p99 (ms)", "%.2f", this.res.e2eStageP99[stage], other.res.e2eStageP99[stage])
	}
	for _, name := range e2eServices {
		compare("e2e_cpu_us_per_order_"+strings.ReplaceAll(name, "-", "_"), "  "+name+" CPU per order (µs)", "%.1f", this.res.e2eCPU[name], other.res.e2eCPU[name])
	}
	tw.Flush()
	fmt.Fprintf(w, "\nbench: against=%q\n", other.label)
	for _, l := range lines {
		fmt.Fprintf(w, "bench: %s\n", l)
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
