package exercisetest

import (
	"context"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/lang"
	"github.com/streams-workshop/kit/testkit"
)

// waitLimit bounds every wait, so that a wrong answer fails instead of hanging.
const waitLimit = 10 * time.Second

// MaxBlock is the longest a learner's blocking read waits inside a test: the
// test shortens longer ones, so that it runs fast and stops at once.
const MaxBlock = 100 * time.Millisecond

// Env is one test's private Redis.
type Env struct {
	t    testing.TB
	srv  *testkit.Server
	seen commandLog // what the learner's clients sent
}

// Start starts a private Redis for t (a real redis-server or miniredis, as
// testkit.Mode says), stopped when t ends.
func Start(t testing.TB) *Env {
	t.Helper()
	srv := testkit.StartT(t)
	return &Env{t: t, srv: srv}
}

// Client returns a plain client for the test's own commands.
func (e *Env) Client() *redis.Client {
	c := e.srv.Client()
	e.t.Cleanup(func() { c.Close() })
	return c
}

// Hook sees the commands a learner's client sends: one command, or the
// commands of a pipeline or MULTI/EXEC. It calls send to let them through,
// or returns an error instead.
type Hook func(ctx context.Context, cmds []redis.Cmder, send func() error) error

// Learner returns a client for the learner's code. Hooks run first, in
// order. Then the guards: a read with BLOCK 0 (which waits forever) fails the
// test with a hint, a longer BLOCK than MaxBlock is shortened, and reads far
// faster than BLOCK allows fail it as a busy loop.
func (e *Env) Learner(hooks ...Hook) *redis.Client {
	c := e.Client()
	all := append(append([]Hook(nil), hooks...), e.watchCommands, e.guard)
	c.AddHook(hookChain(all))
	return c
}

// DeadClient returns a client for an address where no Redis answers, as when
// Redis is down.
func (e *Env) DeadClient() *redis.Client {
	port, err := testkit.FreePort()
	if err != nil {
		e.t.Fatal(err)
	}
	c := redis.NewClient(&redis.Options{
		Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), MaxRetries: -1,
		DialTimeout: time.Second, DisableIdentity: true,
	})
	e.t.Cleanup(func() { c.Close() })
	return c
}

// guard refuses BLOCK 0 and shortens long blocks.
func (e *Env) guard(ctx context.Context, cmds []redis.Cmder, send func() error) error {
	for _, cmd := range cmds {
		i, ms := BlockArg(cmd)
		switch {
		case i < 0:
		case ms == 0:
			Fail(e.t, Report{
				Want: lang.Pick("a blocking read that gives up after a while (Block: time.Second)",
					"잠시 기다린 뒤 포기하는 읽기 (Block: time.Second)"),
				Got: lang.Pick(fmt.Sprintf("%s: BLOCK 0 waits forever, so your code could never stop", Show(cmd)),
					fmt.Sprintf("%s: BLOCK 0은 영원히 기다리므로 코드가 멈출 수 없습니다", Show(cmd))),
				Hint: lang.Pick("go-redis sends BLOCK 0 for Block: 0 (the zero value) and for anything under a millisecond, such as Block: 1000 (1000 ns). Block is a time.Duration: write Block: time.Second, or Block: -1 not to wait.",
					"Block: 0(기본값)이거나 1 ms보다 짧으면(예: Block: 1000은 1000 ns) go-redis는 BLOCK 0을 보냅니다. Block의 타입은 time.Duration입니다. Block: time.Second로 쓰고, 기다리지 않으려면 Block: -1로 쓰세요."),
			})
			return fail(cmds, fmt.Errorf("exercisetest: refused %s, which would wait forever", Show(cmd)))
		case time.Duration(ms)*time.Millisecond > MaxBlock:
			cmd.Args()[i] = MaxBlock.Milliseconds()
		}
	}
	return send()
}

// fail sets err on every command, as a failed round trip would, and returns it.
func fail(cmds []redis.Cmder, err error) error {
	for _, cmd := range cmds {
		cmd.SetErr(err)
	}
	return err
}

// BlockArg returns the index and value of the BLOCK argument of an XREAD or
// XREADGROUP, or -1.
func BlockArg(cmd redis.Cmder) (index int, ms int64) {
	if name := cmd.Name(); name != "xread" && name != "xreadgroup" {
		return -1, 0
	}
	args := cmd.Args()
	for i := 1; i+1 < len(args); i++ {
		if s, _ := args[i].(string); strings.EqualFold(s, "block") {
			ms, err := strconv.ParseInt(fmt.Sprint(args[i+1]), 10, 64)
			if err != nil {
				return -1, 0
			}
			return i + 1, ms
		}
	}
	return -1, 0
}

// ReadIDs returns the IDs after STREAMS in an XREAD or XREADGROUP.
func ReadIDs(cmd redis.Cmder) []string {
	args := cmd.Args()
	for i := range args {
		if s, _ := args[i].(string); strings.EqualFold(s, "streams") {
			rest := args[i+1:]
			ids := make([]string, 0, len(rest)/2)
			for _, a := range rest[len(rest)/2:] {
				ids = append(ids, fmt.Sprint(a))
			}
			return ids
		}
	}
	return nil
}

// Show writes a command as redis-cli would take it.
func Show(cmd redis.Cmder) string {
	parts := make([]string, len(cmd.Args()))
	for i, a := range cmd.Args() {
		parts[i] = fmt.Sprint(a)
	}
	if len(parts) > 0 {
		parts[0] = strings.ToUpper(parts[0])
	}
	return strings.Join(parts, " ")
}

type hookChain []Hook

func (h hookChain) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h hookChain) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		return h.run(ctx, []redis.Cmder{cmd}, func() error { return next(ctx, cmd) })
	}
}

func (h hookChain) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		return h.run(ctx, cmds, func() error { return next(ctx, cmds) })
	}
}

func (h hookChain) run(ctx context.Context, cmds []redis.Cmder, send func() error) error {
	if err := ctx.Err(); err != nil {
		return fail(cmds, err)
	}
	if len(h) == 0 {
		return send()
	}
	return h[0](ctx, cmds, func() error { return h[1:].run(ctx, cmds, send) })
}

// Entries shows a stream as a learner would read it: one entry a line, its
// fields in the order they were written; "(empty)" when there is none.
func Entries(t testing.TB, c *redis.Client, stream string) string {
	t.Helper()
	reply, err := c.Do(context.Background(), "XRANGE", stream, "-", "+").Slice()
	if err != nil {
		t.Fatalf("XRANGE %s: %v", stream, err)
	}
	if len(reply) == 0 {
		return lang.Pick(stream+" is empty", stream+": 비어 있음")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "XRANGE %s - +\n", stream)
	for _, e := range reply {
		entry := e.([]any)
		b.WriteString(entry[0].(string))
		fields, _ := entry[1].([]any)
		for i := 0; i+1 < len(fields); i += 2 {
			fmt.Fprintf(&b, " %v=%q", fields[i], fields[i+1])
		}
		b.WriteString("\n")
	}
	return b.String()
}

// Pending shows a group's pending entries: ID, owner and deliveries.
func Pending(t testing.TB, c *redis.Client, stream, group string) string {
	t.Helper()
	ps, err := c.XPendingExt(context.Background(), &redis.XPendingExtArgs{
		Stream: stream, Group: group, Start: "-", End: "+", Count: 100,
	}).Result()
	if err != nil {
		t.Fatalf("XPENDING %s %s: %v", stream, group, err)
	}
	if len(ps) == 0 {
		return lang.Pick("XPENDING: nothing pending", "XPENDING: pending 엔트리 없음")
	}
	lines := []string{lang.Pick(fmt.Sprintf("XPENDING: %d pending", len(ps)), fmt.Sprintf("XPENDING: %d 개 대기 중", len(ps)))}
	for _, p := range ps {
		lines = append(lines, lang.Pick(
			fmt.Sprintf("  %s held by %s, delivered %d time(s)", p.ID, p.Consumer, p.RetryCount),
			fmt.Sprintf("  %s: 보유 %s, %d 번 전달됨", p.ID, p.Consumer, p.RetryCount)))
	}
	return strings.Join(lines, "\n")
}

// PendingCount is the number of a group's pending entries.
func PendingCount(t testing.TB, c *redis.Client, stream, group string) int64 {
	t.Helper()
	p, err := c.XPending(context.Background(), stream, group).Result()
	if err != nil {
		t.Fatalf("XPENDING %s %s: %v", stream, group, err)
	}
	return p.Count
}

// CountBy counts a stream's entries by the value of one field, such as the
// payments of each orderId.
func CountBy(t testing.TB, c *redis.Client, stream, field string) map[string]int {
	t.Helper()
	msgs, err := c.XRange(context.Background(), stream, "-", "+").Result()
	if err != nil {
		t.Fatalf("XRANGE %s: %v", stream, err)
	}
	counts := map[string]int{}
	for _, m := range msgs {
		v, _ := m.Values[field].(string)
		counts[v]++
	}
	return counts
}

// SortedKeys returns m's keys in order, for stable messages.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// waitSignal waits for ch to be closed, up to waitLimit.
func waitSignal(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	case <-time.After(waitLimit):
		return false
	}
}

// signal is a one-shot event: Fire closes it once.
type signal struct {
	once sync.Once
	ch   chan struct{}
}

func newSignal() *signal { return &signal{ch: make(chan struct{})} }
func (s *signal) Fire()  { s.once.Do(func() { close(s.ch) }) }
