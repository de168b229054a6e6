package exercisetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/lang"
)

// ErrCrashed is what every command of a crashed consumer returns: the test
// stopped it for good at that point, as a kill -9 would.
var ErrCrashed = errors.New("crashed (simulated by the test)")

// Consumer is a learner's consumer loop running in a goroutine, with a client
// of its own, as one process of a service would.
type Consumer struct {
	t      testing.TB
	Name   string
	cancel context.CancelFunc
	done   chan error

	mu      sync.Mutex
	sent    int64         // commands sent so far
	idle    int64         // the number of the last '>' read that found nothing
	changed chan struct{} // closed and replaced when idle changes
	crashed *signal
}

// Fault is a hook that can crash or pause the consumer it is given to.
type Fault func(c *Consumer) Hook

// Go runs fn as the consumer called name until Stop, a crash, or fn's return.
func (e *Env) Go(name string, fn func(ctx context.Context, rdb *redis.Client) error, faults ...Fault) *Consumer {
	ctx, cancel := context.WithCancel(context.Background())
	c := &Consumer{t: e.t, Name: name, cancel: cancel, done: make(chan error, 1),
		changed: make(chan struct{}), crashed: newSignal()}
	hooks := []Hook{c.watch}
	for _, f := range faults {
		hooks = append(hooks, f(c))
	}
	rdb := e.Learner(hooks...)
	go func() { c.done <- fn(ctx, rdb) }()
	e.t.Cleanup(cancel)
	return c
}

// watch numbers the commands and notes each '>' read that found nothing. A
// crashed consumer's commands all fail.
func (c *Consumer) watch(ctx context.Context, cmds []redis.Cmder, send func() error) error {
	if c.isCrashed() {
		return fail(cmds, ErrCrashed)
	}
	c.mu.Lock()
	c.sent++
	n := c.sent
	c.mu.Unlock()
	err := send()
	if len(cmds) == 1 && isEmptyNewRead(cmds[0]) {
		c.mu.Lock()
		c.idle = n
		close(c.changed)
		c.changed = make(chan struct{})
		c.mu.Unlock()
	}
	return err
}

// isEmptyNewRead reports whether cmd asked a group for new entries ('>') and
// got none.
func isEmptyNewRead(cmd redis.Cmder) bool {
	if cmd.Name() != "xreadgroup" {
		return false
	}
	for _, id := range ReadIDs(cmd) {
		if id != ">" {
			return false
		}
	}
	if errors.Is(cmd.Err(), redis.Nil) {
		return true
	}
	return cmd.Err() == nil && Delivered(cmd) == 0
}

// Delivered counts the entries an XREAD or XREADGROUP reply holds.
func Delivered(cmd redis.Cmder) int {
	n := 0
	if c, ok := cmd.(*redis.XStreamSliceCmd); ok {
		for _, s := range c.Val() {
			n += len(s.Messages)
		}
	}
	return n
}

func (c *Consumer) isCrashed() bool {
	select {
	case <-c.crashed.ch:
		return true
	default:
		return false
	}
}

// Crash stops the consumer for good, now: its context is cancelled and every
// command it sends from now on fails with ErrCrashed.
func (c *Consumer) Crash() {
	c.crashed.Fire()
	c.cancel()
}

// WaitIdle waits until the consumer, after this call, asks for new entries
// ('>') and finds none: it has done all it had to do.
func (c *Consumer) WaitIdle() {
	c.t.Helper()
	c.mu.Lock()
	mark := c.sent
	c.mu.Unlock()
	for {
		c.mu.Lock()
		idle, changed := c.idle, c.changed
		c.mu.Unlock()
		if idle > mark {
			return
		}
		select {
		case <-changed:
		case err := <-c.done:
			c.done <- err
			Fatal(c.t, Report{
				Want: lang.Pick(fmt.Sprintf("%s keeps reading until its context is cancelled", c.Name),
					fmt.Sprintf("%s: context가 취소될 때까지 계속 읽음", c.Name)),
				Got: lang.Pick(fmt.Sprintf("it returned early: %v", err), fmt.Sprintf("일찍 끝났습니다: %v", err)),
				Hint: lang.Pick("loop: read, handle, read again; return only when ctx.Err() != nil (redis.Nil just means nothing new came)",
					"반복하세요: 읽고, 처리하고, 다시 읽기. 끝내는 것은 ctx.Err()가 nil이 아닐 때뿐입니다(redis.Nil은 새 엔트리가 없다는 뜻일 뿐입니다)"),
			})
		case <-timeout():
			Fatal(c.t, Report{
				Want: lang.Pick(fmt.Sprintf("%s reads new entries with XREADGROUP ... '>' once it is done", c.Name),
					fmt.Sprintf("%s: 일을 마친 뒤 XREADGROUP ... '>'로 새 엔트리를 읽음", c.Name)),
				Got: lang.Pick(fmt.Sprintf("no empty '>' read within %s: it is stuck, or never reads '>'", waitLimit),
					fmt.Sprintf("%s 안에 빈 '>' 읽기가 없음: 멈췄거나, '>'로 읽지 않습니다", waitLimit)),
				Hint: lang.Pick("after your pending entries (ID 0), read new ones with ID '>'",
					"자기 pending 엔트리(ID 0)를 다 읽은 뒤에는 ID '>'로 새 엔트리를 읽으세요"),
			})
		}
	}
}

// WaitCrash waits until the consumer has crashed and its function returned.
func (c *Consumer) WaitCrash(what string) {
	c.t.Helper()
	if !waitSignal(c.crashed.ch) {
		Fatal(c.t, Report{
			Want: what,
			Got:  lang.Pick(fmt.Sprintf("%s never got there within %s", c.Name, waitLimit), fmt.Sprintf("%s: %s 안에 그 지점에 이르지 않음", c.Name, waitLimit)),
			Hint: lang.Pick("read with XREADGROUP (not XREAD) in the group, and handle each entry you get",
				"그룹에서는 XREAD 대신 XREADGROUP으로 읽고, 받은 엔트리를 하나씩 처리하세요"),
		})
	}
	c.wait()
}

// Stop cancels the consumer's context and waits until its function returns.
func (c *Consumer) Stop() {
	c.t.Helper()
	c.cancel()
	err := c.wait()
	if err != nil && !errors.Is(err, context.Canceled) && !c.isCrashed() {
		Fail(c.t, Report{
			Want: lang.Pick("nil when the context is cancelled", "context가 취소되면 nil"),
			Got:  fmt.Sprint(err),
			Hint: lang.Pick("when ctx.Err() != nil, return nil: stopping is not a failure",
				"ctx.Err()가 nil이 아니면 nil을 반환하세요: 멈추는 것은 실패가 아닙니다"),
		})
	}
}

func (c *Consumer) wait() error {
	c.t.Helper()
	select {
	case err := <-c.done:
		c.done <- err
		return err
	case <-timeout():
		Fatal(c.t, Report{
			Want: lang.Pick(fmt.Sprintf("%s returns soon after its context is cancelled", c.Name),
				fmt.Sprintf("%s: context가 취소되면 곧 끝남", c.Name)),
			Got: lang.Pick(fmt.Sprintf("still running after %s", waitLimit), fmt.Sprintf("%s 뒤에도 실행 중", waitLimit)),
			Hint: lang.Pick("check ctx.Err() in your loop, and return when it is not nil",
				"반복문에서 ctx.Err()를 확인하고, nil이 아니면 끝내세요"),
		})
		return nil
	}
}

// afterRead calls at(n) before each command the consumer sends after its
// first read that returned entries: n is 1 for the first. An error from at
// fails the command instead of sending it.
func afterRead(at func(n int) error) Hook {
	var mu sync.Mutex
	count, armed := 0, false
	return func(ctx context.Context, cmds []redis.Cmder, send func() error) error {
		mu.Lock()
		n := 0
		if armed {
			count++
			n = count
		}
		mu.Unlock()
		if n > 0 {
			if err := at(n); err != nil {
				return fail(cmds, err)
			}
		}
		err := send()
		if len(cmds) == 1 && cmds[0].Name() == "xreadgroup" && Delivered(cmds[0]) > 0 {
			mu.Lock()
			armed = true
			mu.Unlock()
		}
		return err
	}
}

// CrashAfterRead crashes the consumer just before the n-th command it sends
// after its first read that returns entries: n=1 is right after the read.
func CrashAfterRead(n int) Fault {
	return func(c *Consumer) Hook {
		return afterRead(func(count int) error {
			if count == n {
				c.Crash()
				return ErrCrashed
			}
			return nil
		})
	}
}

// CrashBefore crashes the consumer just before the first command that
// matches.
func CrashBefore(match func(redis.Cmder) bool) Fault {
	return func(c *Consumer) Hook {
		return func(ctx context.Context, cmds []redis.Cmder, send func() error) error {
			for _, cmd := range cmds {
				if match(cmd) {
					c.Crash()
					return fail(cmds, ErrCrashed)
				}
			}
			return send()
		}
	}
}

// Pause holds a consumer still, as a long GC pause or a slow call would.
type Pause struct {
	paused, released *signal
}

// NewPause returns a pause to give to Env.Go with AfterRead.
func NewPause() *Pause { return &Pause{paused: newSignal(), released: newSignal()} }

// AfterRead holds the consumer just before the first command it sends after
// a read that returned entries, until Release.
func (p *Pause) AfterRead() Fault {
	return func(c *Consumer) Hook {
		return afterRead(func(n int) error {
			if n == 1 {
				p.paused.Fire()
				<-p.released.ch
			}
			return nil
		})
	}
}

// WaitPaused waits until the consumer is held.
func (p *Pause) WaitPaused(t testing.TB, what string) {
	t.Helper()
	if !waitSignal(p.paused.ch) {
		Fatal(t, Report{
			Want: what,
			Got:  lang.Pick(fmt.Sprintf("the consumer never got there within %s", waitLimit), fmt.Sprintf("%s 안에 그 지점에 이르지 않음", waitLimit)),
			Hint: lang.Pick("read with XREADGROUP in the group, then handle each entry", "그룹에서 XREADGROUP으로 읽은 뒤 엔트리를 하나씩 처리하세요"),
		})
	}
}

// Release lets the consumer go on.
func (p *Pause) Release() { p.released.Fire() }

func timeout() <-chan time.Time { return time.After(waitLimit) }

// Cancelled returns a context that is already cancelled. A consumer loop
// given it returns at once, so a test can see whether the task is started
// without running the loop.
func Cancelled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}
