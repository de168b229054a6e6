package exercisetest

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/lang"
)

func sample() {}

func TestNotStartedLine(t *testing.T) {
	defer lang.Set(lang.Current())
	lang.Set("en")
	if got, want := NotStartedLine(sample), "not started: open exercise/exercisetest_test.go and write sample (README.md, Your turn)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestReportLayout(t *testing.T) {
	defer lang.Set(lang.Current())
	lang.Set("en")
	got := Report{Want: "two entries", Got: "one\nentry", Hint: "add one"}.String()
	want := "\n    expected: two entries\n    got:      one\n              entry\n    hint:     add one\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	lang.Set("ko")
	if got := (Report{Hint: "x"}).String(); got != "\n    힌트:     x\n" {
		t.Errorf("ko: got %q", got)
	}
}

// recorder stands for a test's T, and keeps the failures it is given.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recorder) Helper() {}
func (r *recorder) Error(args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprint(args...))
}

func TestGuardRefusesBlockZero(t *testing.T) {
	rec := &recorder{TB: t}
	env := Start(rec)
	rdb := env.Learner()
	err := rdb.XRead(context.Background(), &redis.XReadArgs{Streams: []string{"s", "$"}, Block: 1000}).Err()
	if err == nil || len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "Block is a time.Duration") {
		t.Errorf("err %v, failures %q", err, rec.errors)
	}
}

func TestGuardShortensLongBlocks(t *testing.T) {
	env := Start(t)
	var sent int64
	rdb := env.Learner(func(ctx context.Context, cmds []redis.Cmder, send func() error) error {
		err := send() // the guard runs inside send, and rewrites the argument in place
		_, sent = BlockArg(cmds[0])
		return err
	})
	err := rdb.XRead(context.Background(), &redis.XReadArgs{Streams: []string{"s", "$"}, Block: time.Hour}).Err()
	if !errors.Is(err, redis.Nil) || sent != MaxBlock.Milliseconds() {
		t.Errorf("err %v, BLOCK %d sent, want redis.Nil and BLOCK %d", err, sent, MaxBlock.Milliseconds())
	}
}

// A consumer that reads one entry and writes a mark for it: crashed right
// after the read, it writes nothing; restarted, it is idle.
func TestCrashAfterReadAndWaitIdle(t *testing.T) {
	ctx := context.Background()
	env := Start(t)
	own := env.Client()
	if err := own.XGroupCreateMkStream(ctx, "s", "g", "0").Err(); err != nil {
		t.Fatal(err)
	}
	if err := own.XAdd(ctx, &redis.XAddArgs{Stream: "s", Values: []string{"k", "v"}}).Err(); err != nil {
		t.Fatal(err)
	}
	loop := func(ctx context.Context, rdb *redis.Client) error {
		for ctx.Err() == nil {
			streams, err := rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "c", Streams: []string{"s", ">"}, Block: time.Second}).Result()
			if errors.Is(err, redis.Nil) {
				continue
			}
			if err != nil {
				return err
			}
			for _, m := range streams[0].Messages {
				if err := rdb.Set(ctx, "done:"+m.ID, 1, 0).Err(); err != nil {
					return err
				}
			}
		}
		return nil
	}
	c := env.Go("c", loop, CrashAfterRead(1))
	c.WaitCrash("c reads the entry")
	if keys := own.Keys(ctx, "done:*").Val(); len(keys) != 0 {
		t.Errorf("a crashed consumer wrote %v", keys)
	}
	again := env.Go("c", loop)
	again.WaitIdle()
	again.Stop()
	if n := PendingCount(t, own, "s", "g"); n != 1 {
		t.Errorf("pending = %d, want 1 (the entry the crash left)", n)
	}
}

// A loop that reads without BLOCK fails once as a busy loop, with the BLOCK
// hint, and is slowed down; a loop that blocks does not.
func TestBusyReadLoopFails(t *testing.T) {
	for _, tc := range []struct {
		block time.Duration
		busy  bool
	}{{-1, true}, {time.Second, false}} {
		rec := &recorder{TB: t}
		env := Start(rec)
		rdb := env.Learner()
		deadline := time.Now().Add(1500 * time.Millisecond)
		for time.Now().Before(deadline) {
			rdb.XRead(context.Background(), &redis.XReadArgs{Streams: []string{"s", "0"}, Block: tc.block})
		}
		if busy := len(rec.errors) == 1 && strings.Contains(rec.errors[0], "Block: time.Second"); busy != tc.busy || len(rec.errors) > 1 {
			t.Errorf("Block %v: failures %q, want a busy loop reported once: %v", tc.block, rec.errors, tc.busy)
		}
	}
}

// A call that does not return in time fails at once, naming what it sent.
func TestCallHasADeadline(t *testing.T) {
	rec := &fatalRecorder{recorder: recorder{TB: t}}
	env := Start(rec)
	rdb := env.Learner()
	done := make(chan struct{})
	go func() {
		defer close(done)
		Call(rec, env, "Forever()", 200*time.Millisecond, func(ctx context.Context) (int, error) {
			rdb.Ping(context.Background())
			select {} // never returns, whatever ctx says
		})
	}()
	<-done
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "Forever() returns within 200ms") ||
		!strings.Contains(rec.errors[0], "it had sent 1 commands, the last: PING") {
		t.Errorf("failures %q", rec.errors)
	}
}

// fatalRecorder also records Fatal, and ends the goroutine as t.Fatal would.
type fatalRecorder struct{ recorder }

func (r *fatalRecorder) Fatal(args ...any) {
	r.Error(args...)
	runtime.Goexit()
}
