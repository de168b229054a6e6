package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/mattn/go-isatty"
	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/redisconn"
	"github.com/streams-workshop/kit/testkit"
	"github.com/streams-workshop/scripts/services"
)

// bench holds what every measurement needs.
type bench struct {
	ctx      context.Context
	rdb      redis.UniversalClient
	target   redisconn.Target
	binDir   string
	env      []string
	s        settings
	progress *progress
}

// reset deletes the workshop's keys, so that each measurement starts empty.
func (b *bench) reset() error {
	keys := []string{events.OrderStream, events.PaymentStream, "bench:xadd"}
	for _, pattern := range []string{"*:dlq:*", "{payment-events}:*", "notification:*"} {
		iter := b.rdb.Scan(b.ctx, 0, pattern, 1000).Iterator()
		for iter.Next(b.ctx) {
			keys = append(keys, iter.Val())
		}
		if err := iter.Err(); err != nil {
			return err
		}
	}
	// One key at a time: on a cluster the keys live in different slots.
	for _, k := range keys {
		if err := b.rdb.Unlink(b.ctx, k).Err(); err != nil {
			return err
		}
	}
	return nil
}

// service is one running service.
type service struct {
	name   string
	proc   *services.Process
	addr   string // host:port of its HTTP server
	stderr *lockedBuffer
}

// lockedBuffer is a bytes.Buffer that the process writes while the bench reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// start runs a built service with the bench's REDIS_URL, a free port and
// extra environment, and waits until it serves HTTP. Its stdout goes to
// stdout, or nowhere when nil.
func (b *bench) start(name string, stdout io.Writer, extra ...string) (*service, error) {
	port, err := testkit.FreePort()
	if err != nil {
		return nil, err
	}
	ready := filepath.Join(b.binDir, name+"-"+strconv.Itoa(port)+".ready")
	os.Remove(ready)
	cmd := services.Command(b.ctx, filepath.Join(b.binDir, name))
	cmd.Env = append(append(os.Environ(), b.env...), "PORT="+strconv.Itoa(port), "READY_FILE="+ready)
	cmd.Env = append(cmd.Env, extra...)
	cmd.Stdout = stdout
	svc := &service{name: name, stderr: &lockedBuffer{}, addr: "127.0.0.1:" + strconv.Itoa(port)}
	cmd.Stderr = svc.stderr
	if svc.proc, err = services.Start(cmd); err != nil {
		return nil, err
	}
	err = waitFor(b.ctx, 30*time.Second, func() (bool, error) {
		_, err := os.Stat(ready)
		return err == nil, nil
	})
	if err != nil {
		svc.stop()
		return nil, fmt.Errorf("%s did not start: %v\n%s", name, err, svc.stderr)
	}
	return svc, nil
}

func (s *service) stop() { s.proc.Stop(10 * time.Second) }

// waitFor polls check every 10ms until it is true, or fails after limit.
func waitFor(ctx context.Context, limit time.Duration, check func() (bool, error)) error {
	deadline := time.Now().Add(limit)
	for {
		ok, err := check()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("gave up after %s", limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// prefill adds n order events in pipelines of 1000, shaped as order-service
// writes them, trimmed as it trims (MAXLEN ~ 1000000).
func (b *bench) prefill(n int, onProgress func(done int)) error {
	const chunk = 1000
	for done := 0; done < n; {
		size := min(chunk, n-done)
		_, err := b.rdb.Pipelined(b.ctx, func(pipe redis.Pipeliner) error {
			for i := range size {
				o := events.Order{
					OrderID:   uuid.Must(uuid.NewV7()).String(),
					UserID:    "user-" + strconv.Itoa(done+i),
					ProductID: "product-42",
					Price:     "5000",
				}
				pipe.XAdd(b.ctx, &redis.XAddArgs{Stream: events.OrderStream, MaxLen: 1_000_000, Approx: true, Values: o.Fields()})
			}
			return nil
		})
		if err != nil {
			return err
		}
		done += size
		if onProgress != nil {
			onProgress(done)
		}
	}
	return nil
}

// drained is what one drain measured.
type drained struct {
	rate float64 // orders per second
	// CPU time per order, in µs: redis-server's (0 when it does not say),
	// and payment-service's. Unlike the rate, these hardly change with what
	// else the machine runs.
	redisCPU, serviceCPU float64
}

// drain times payment-service paying a backlog, with -instances instances,
// each its own consumer of the group. The time runs from the first payment
// event to the last, by the entry IDs, which Redis stamps with its own clock
// in milliseconds: no polling delay in the figure.
func (b *bench) drain() (drained, error) {
	if err := b.reset(); err != nil {
		return drained{}, err
	}
	if err := b.prefill(b.s.drainN, nil); err != nil {
		return drained{}, err
	}
	redisBefore, redisErr := redisCPU(b.ctx, b.rdb, b.target)
	var payments []*service
	defer func() {
		for _, p := range payments {
			p.stop()
		}
	}()
	for i := 1; i <= b.s.instances; i++ {
		payment, err := b.start("payment-service", nil, "CONSUMER_NAME=bench-"+strconv.Itoa(i))
		if err != nil {
			return drained{}, err
		}
		payments = append(payments, payment)
	}
	err := waitFor(b.ctx, time.Duration(b.s.drainN)*time.Millisecond+time.Minute, func() (bool, error) {
		n, err := b.rdb.XLen(b.ctx, events.PaymentStream).Result()
		b.progress.say(fmt.Sprintf("drain: %d/%d paid", n, b.s.drainN))
		return n >= int64(b.s.drainN), err
	})
	if err != nil {
		return drained{}, fmt.Errorf("%v; payment-service said:\n%s", err, payments[0].stderr)
	}
	redisAfter, redisErrAfter := redisCPU(b.ctx, b.rdb, b.target)
	if err := b.checkPaidOnce(); err != nil {
		return drained{}, err
	}
	first, err := b.rdb.XRangeN(b.ctx, events.PaymentStream, "-", "+", 1).Result()
	if err != nil {
		return drained{}, err
	}
	last, err := b.rdb.XRevRangeN(b.ctx, events.PaymentStream, "+", "-", 1).Result()
	if err != nil {
		return drained{}, err
	}
	elapsed := max(events.IDTime(last[0].ID).Sub(events.IDTime(first[0].ID)), time.Millisecond)
	d := drained{rate: float64(b.s.drainN) / elapsed.Seconds()}

	perOrder := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(b.s.drainN) }
	if redisErr == nil && redisErrAfter == nil {
		d.redisCPU = perOrder(redisAfter - redisBefore)
	}
	var service time.Duration
	for _, p := range payments {
		p.stop()
		if state := p.proc.Cmd.ProcessState; state != nil {
			service += state.UserTime() + state.SystemTime()
		}
	}
	d.serviceCPU = perOrder(service)
	return d, nil
}

// checkPaidOnce checks that every order of the drain was paid exactly once:
// once nothing is pending, there is one payment event per order.
func (b *bench) checkPaidOnce() error {
	err := waitFor(b.ctx, time.Minute, func() (bool, error) {
		p, err := b.rdb.XPending(b.ctx, events.OrderStream, events.PaymentGroup).Result()
		return err == nil && p.Count == 0, err
	})
	if err != nil {
		return fmt.Errorf("orders still pending after the drain: %v", err)
	}
	n, err := b.rdb.XLen(b.ctx, events.PaymentStream).Result()
	if err == nil && n != int64(b.s.drainN) {
		err = fmt.Errorf("%d payments for %d orders: some order was paid twice", n, b.s.drainN)
	}
	return err
}

// procCPU is the CPU time a process has used so far, from /proc on Linux,
// in clock ticks of 10 ms; 0 where there is no /proc.
func procCPU(pid int) time.Duration {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// utime and stime are the 14th and 15th fields; the 2nd, the command's
	// name in parentheses, may hold spaces.
	_, after, _ := bytes.Cut(stat, []byte(") "))
	fields := strings.Fields(string(after))
	if len(fields) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// redisCPU is the CPU time redis-server's main thread has used (INFO cpu),
// where the commands run. The embedded broker and a cluster do not say.
func redisCPU(ctx context.Context, rdb redis.UniversalClient, target redisconn.Target) (time.Duration, error) {
	if target.Cluster() {
		return 0, errors.New("a cluster has no one main thread")
	}
	info, err := rdb.Info(ctx, "cpu").Result()
	if err != nil {
		return 0, err
	}
	var seconds float64
	found := 0
	for _, line := range strings.Split(info, "\n") {
		k, v, _ := strings.Cut(strings.TrimSpace(line), ":")
		if k == "used_cpu_user_main_thread" || k == "used_cpu_sys_main_thread" {
			s, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return 0, err
			}
			seconds += s
			found++
		}
	}
	if found != 2 {
		return 0, errors.New("INFO cpu has no used_cpu_*_main_thread")
	}
	return time.Duration(seconds * float64(time.Second)), nil
}

// httpClient keeps one connection per client goroutine alive.
func (b *bench) httpClient() *http.Client {
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			MaxIdleConnsPerHost: b.s.clients,
			MaxConnsPerHost:     b.s.clients,
		},
	}
}

// postOrder places one order and returns its orderId.
func postOrder(client *http.Client, addr string, i int) (string, error) {
	body := fmt.Sprintf(`{"userId":"user-%d","productId":"product-42","price":"5000"}`, i)
	resp, err := client.Post("http://"+addr+"/orders", "application/json", strings.NewReader(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var reply struct {
		OrderID string `json:"orderId"`
	}
	err = json.NewDecoder(resp.Body).Decode(&reply)
	if resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("POST /orders: %s", resp.Status)
	}
	return reply.OrderID, err
}

// produce drives order-service with c clients, each placing orders one after
// another on its own keep-alive connection. It uses wrk when installed: a
// load generator in C takes less of the CPU that the service and Redis share
// with it here, as redis-benchmark does on the other side of the ratio.
func (b *bench) produce() (float64, error) {
	if err := b.reset(); err != nil {
		return 0, err
	}
	order, err := b.start("order-service", nil)
	if err != nil {
		return 0, err
	}
	defer order.stop()
	if b.s.wrkPath != "" {
		return b.produceWithWrk(order)
	}
	client := b.httpClient()
	defer client.CloseIdleConnections()

	// A short warm-up opens the connections before the clock starts.
	warmUp := min(b.s.produceFor/5, time.Second)
	start := time.Now()
	measureFrom, measureTo := start.Add(warmUp), start.Add(warmUp+b.s.produceFor)
	var mu sync.Mutex
	var counted int
	var firstErr error
	var wg sync.WaitGroup
	for c := range b.s.clients {
		wg.Go(func() {
			for i := c; ; i += b.s.clients {
				if time.Now().After(measureTo) || b.ctx.Err() != nil {
					return
				}
				_, err := postOrder(client, order.addr, i)
				now := time.Now()
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				if err == nil && now.After(measureFrom) && now.Before(measureTo) {
					counted++
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return 0, fmt.Errorf("%v; order-service said:\n%s", firstErr, order.stderr)
	}
	return float64(counted) / b.s.produceFor.Seconds(), nil
}

// wrkScript makes wrk send the orders produce sends.
const wrkScript = `wrk.method = "POST"
wrk.body = '{"userId":"user-1","productId":"product-42","price":"5000"}'
wrk.headers["Content-Type"] = "application/json"
`

var (
	wrkRate   = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkFailed = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
)

func (b *bench) produceWithWrk(order *service) (float64, error) {
	script := filepath.Join(b.binDir, "orders.lua")
	if err := os.WriteFile(script, []byte(wrkScript), 0o644); err != nil {
		return 0, err
	}
	threads := strconv.Itoa(min(b.s.clients, 2))
	seconds := strconv.Itoa(max(int(b.s.produceFor.Seconds()), 1))
	out, err := exec.CommandContext(b.ctx, b.s.wrkPath, "-t", threads, "-c", strconv.Itoa(b.s.clients),
		"-d", seconds+"s", "-s", script, "http://"+order.addr+"/orders").CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("wrk: %v: %s", err, out)
	}
	if m := wrkFailed.FindSubmatch(out); m != nil {
		return 0, fmt.Errorf("wrk: %s orders refused; order-service said:\n%s", m[1], order.stderr)
	}
	m := wrkRate.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("wrk: no rate in its output: %q", out)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

var requestsPerSecond = regexp.MustCompile(`([0-9.]+) requests per second`)

// baselines runs redis-benchmark's XADD, with the same command shape as
// order-service's, at the same concurrency, then pipelined 16 deep.
func (b *bench) baselines() (xadd, xaddP16 float64, err error) {
	n := 200_000
	if b.s.drainN < 10_000 {
		n = 20_000 // the smoke run
	}
	xadd, err = b.redisBenchmark(n, 1)
	if err != nil {
		return 0, 0, err
	}
	xaddP16, err = b.redisBenchmark(5*n, 16)
	return xadd, xaddP16, err
}

func (b *bench) redisBenchmark(n, pipeline int) (float64, error) {
	defer b.rdb.Del(b.ctx, "bench:xadd")
	host, port, _ := strings.Cut(b.target.Addrs[0], ":")
	args := []string{"-h", host, "-p", port, "-c", strconv.Itoa(b.s.clients), "-n", strconv.Itoa(n),
		"-P", strconv.Itoa(pipeline), "-q", "--dbnum", strconv.Itoa(b.target.DB),
		"XADD", "bench:xadd", "MAXLEN", "~", "1000000", "*",
		"userId", "user-1", "productId", "product-42", "price", "5000", "orderId", uuid.Must(uuid.NewV7()).String()}
	if b.target.Username != "" {
		args = append(args, "--user", b.target.Username)
	}
	cmd := exec.CommandContext(b.ctx, b.s.benchmarkPath, args...)
	// The password goes through the environment, never the command line.
	cmd.Env = append(os.Environ(), "REDISCLI_AUTH="+b.target.Password)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("%v: %s", err, out)
	}
	matches := requestsPerSecond.FindAllSubmatch(out, -1)
	if len(matches) == 0 {
		return 0, fmt.Errorf("no rate in its output: %q", out)
	}
	return strconv.ParseFloat(string(matches[len(matches)-1][1]), 64)
}

// latencies are end-to-end times in milliseconds.
type latencies []float64

// notified matches the notification-service lines that end an order's path;
// paid matches payment-service's line for an order it paid.
var (
	notified = regexp.MustCompile(`orderId: (\S+) \((mail|SMS) sent\)`)
	paid     = regexp.MustCompile(`Created payment: \d+ +orderId: (\S+)`)
)

// timed is what one end-to-end run measured.
type timed struct {
	// Each order from its 201 to its second notification (mail and SMS), and
	// from its request sent. The first leaves out order-service's time after
	// its XADD: an order-service that answered later would look faster.
	fromAccepted, fromSent latencies
	// stages splits fromSent at the services' lines (e2eStages), to show
	// which service an order waits for.
	stages map[string]latencies
	// cpu is each service's CPU time per order, in µs, from the first order
	// to the service's end.
	cpu map[string]float64
}

// e2eStages are the parts of an order's path that the end-to-end run times:
// from the request sent to the mail, and to the payment; from the payment
// to the SMS.
var e2eStages = []string{"to_mail", "to_payment", "payment_to_sms"}

// endToEnd places orders at a fixed rate through the three services and
// times each.
func (b *bench) endToEnd() (t timed, err error) {
	if err := b.reset(); err != nil {
		return t, err
	}
	var mu sync.Mutex
	accepted, sent := map[string]time.Time{}, map[string]time.Time{}
	// When each order's line came: "mail", "SMS" and "payment".
	seen := map[string]map[string]time.Time{"mail": {}, "SMS": {}, "payment": {}}
	done := map[string]time.Time{}

	// Each service's lines through a pipe of its own, so that they never
	// interleave mid-line.
	scan := func(re *regexp.Regexp, record func(m []string, now time.Time)) io.WriteCloser {
		lines, writer := io.Pipe()
		go func() {
			scanner := bufio.NewScanner(lines)
			for scanner.Scan() {
				if m := re.FindStringSubmatch(scanner.Text()); m != nil {
					now := time.Now()
					mu.Lock()
					record(m, now)
					mu.Unlock()
				}
			}
			io.Copy(io.Discard, lines)
		}()
		return writer
	}
	notificationLines := scan(notified, func(m []string, now time.Time) {
		seen[m[2]][m[1]] = now
		if _, mail := seen["mail"][m[1]]; mail {
			if _, sms := seen["SMS"][m[1]]; sms {
				done[m[1]] = now
			}
		}
	})
	defer notificationLines.Close()
	paymentLines := scan(paid, func(m []string, now time.Time) { seen["payment"][m[1]] = now })
	defer paymentLines.Close()

	var started []*service
	defer func() {
		for _, s := range slices.Backward(started) {
			s.stop()
		}
	}()
	for _, spec := range []struct {
		name   string
		stdout io.Writer
	}{{"notification-service", notificationLines}, {"payment-service", paymentLines}, {"order-service", nil}} {
		s, err := b.start(spec.name, spec.stdout)
		if err != nil {
			return t, err
		}
		started = append(started, s)
	}
	order := started[2]
	client := b.httpClient()
	// Each service's CPU time so far, not counted: its start.
	cpuAtStart := map[string]time.Duration{}
	for _, s := range started {
		cpuAtStart[s.name] = procCPU(s.proc.Cmd.Process.Pid)
	}
	defer client.CloseIdleConnections()

	// Open loop: order i leaves at start + i/rate whatever happened to the
	// ones before, as real traffic does; a slow system cannot slow the load.
	total := int(b.s.e2eFor.Seconds() * float64(b.s.rate))
	interval := time.Second / time.Duration(b.s.rate)
	start := time.Now()
	var wg sync.WaitGroup
	var errMu sync.Mutex
	var firstErr error
	for i := range total {
		time.Sleep(time.Until(start.Add(time.Duration(i) * interval)))
		if b.ctx.Err() != nil {
			break
		}
		if i%b.s.rate == 0 {
			b.progress.say(fmt.Sprintf("end to end: %d/%d orders", i, total))
		}
		wg.Go(func() {
			sentAt := time.Now()
			id, err := postOrder(client, order.addr, i)
			now := time.Now()
			if err != nil {
				errMu.Lock()
				firstErr = cmpOr(firstErr, err)
				errMu.Unlock()
				return
			}
			mu.Lock()
			accepted[id], sent[id] = now, sentAt
			mu.Unlock()
		})
	}
	wg.Wait()
	if firstErr != nil {
		return t, firstErr
	}
	err = waitFor(b.ctx, 30*time.Second, func() (bool, error) {
		mu.Lock()
		defer mu.Unlock()
		b.progress.say(fmt.Sprintf("end to end: %d/%d orders notified", len(done), len(accepted)))
		for id := range accepted {
			if _, ok := done[id]; !ok {
				return false, nil
			}
		}
		return true, nil
	})
	if err != nil {
		return t, fmt.Errorf("not every order was notified: %v", err)
	}
	mu.Lock()
	for id, at := range accepted {
		// The notification can come before the client has read its 201.
		t.fromAccepted = append(t.fromAccepted, max(done[id].Sub(at), 0).Seconds()*1000)
		t.fromSent = append(t.fromSent, done[id].Sub(sent[id]).Seconds()*1000)
	}
	t.stages = map[string]latencies{}
	ms := func(d time.Duration) float64 { return d.Seconds() * 1000 }
	for id, at := range sent {
		paidAt, ok := seen["payment"][id]
		if !ok {
			continue // no payment line ("Already paid"): no stage to split
		}
		t.stages["to_mail"] = append(t.stages["to_mail"], ms(seen["mail"][id].Sub(at)))
		t.stages["to_payment"] = append(t.stages["to_payment"], ms(paidAt.Sub(at)))
		t.stages["payment_to_sms"] = append(t.stages["payment_to_sms"], ms(seen["SMS"][id].Sub(paidAt)))
	}
	mu.Unlock() // the services' last lines go through the scanner as they stop
	t.cpu = map[string]float64{}
	for _, s := range started {
		s.stop()
		if state := s.proc.Cmd.ProcessState; state != nil {
			cpu := state.UserTime() + state.SystemTime() - cpuAtStart[s.name]
			t.cpu[s.name] = float64(cpu.Microseconds()) / float64(len(t.fromAccepted))
		}
	}
	return t, nil
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// memory produces orders as order-service does (XADD MAXLEN ~ 1000000, the
// default bound) and reads used_memory after one and two steps.
func (b *bench) memory() (after1, after2 int64, err error) {
	if err := b.reset(); err != nil {
		return 0, 0, err
	}
	for step := 1; step <= 2; step++ {
		err := b.prefill(b.s.memoryOrders, func(done int) {
			if done%100_000 == 0 {
				b.progress.say(fmt.Sprintf("memory: %d/%d orders", (step-1)*b.s.memoryOrders+done, 2*b.s.memoryOrders))
			}
		})
		if err != nil {
			return 0, 0, err
		}
		used, err := usedMemory(b.ctx, b.rdb)
		if err != nil {
			return 0, 0, err
		}
		if step == 1 {
			after1 = used
		} else {
			after2 = used
		}
	}
	return after1, after2, b.reset()
}

func usedMemory(ctx context.Context, rdb redis.UniversalClient) (int64, error) {
	info, err := rdb.Info(ctx, "memory").Result()
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			return strconv.ParseInt(v, 10, 64)
		}
	}
	return 0, errors.New("INFO memory has no used_memory (the embedded broker does not report it)")
}

// progress shows what the bench is doing: one line rewritten in place on a
// terminal, else a line at most every two seconds.
type progress struct {
	w        io.Writer
	terminal bool
	last     time.Time
	shown    bool
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, terminal: ok && isatty.IsTerminal(f.Fd())}
}

func (p *progress) say(msg string) {
	if p.terminal {
		fmt.Fprintf(p.w, "\r\033[K[bench] %s", msg)
		p.shown = true
		return
	}
	if time.Since(p.last) >= 2*time.Second || !strings.Contains(msg, "/") {
		fmt.Fprintf(p.w, "[bench] %s\n", msg)
		p.last = time.Now()
	}
}

func (p *progress) done() {
	if p.terminal && p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}
