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

// CallLimit is how long a direct call into the learner's code may take in a
// test before it fails: the learner hears within seconds, not after go
// test's own 10 minutes.
const CallLimit = 5 * time.Second

// Call runs fn, a call into the learner's code such as Page(ctx, rdb, "", 2),
// with a context that ends after limit, and waits for it a little longer.
// A call that does not return by then fails the test at once with what it
// was doing: the commands it sent and the last one. what names the call.
func Call[T any](t testing.TB, e *Env, what string, limit time.Duration, fn func(ctx context.Context) (T, error)) (T, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := fn(ctx)
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-time.After(limit + time.Second):
		Fatal(t, Report{
			Want: lang.Pick(fmt.Sprintf("%s returns within %s", what, limit), fmt.Sprintf("%s: %s 안에 돌아옴", what, limit)),
			Got: lang.Pick(fmt.Sprintf("it did not return within %s; %s", limit+time.Second, e.activity("en")),
				fmt.Sprintf("%s 안에 돌아오지 않았습니다. %s", limit+time.Second, e.activity("ko"))),
			Hint: lang.Pick("a loop that never ends, or a read that waits forever: stop when you have what you need, and when ctx.Err() != nil",
				"끝나지 않는 반복이나 영원히 기다리는 읽기입니다. 필요한 것을 얻으면, 그리고 ctx.Err()가 nil이 아니면 멈추세요"),
		})
		var zero T
		return zero, nil
	}
}

// activity says what the learner's clients have sent: how many commands,
// and the last one.
func (e *Env) activity(language string) string {
	e.seen.Lock()
	defer e.seen.Unlock()
	if language == "ko" {
		return fmt.Sprintf("보낸 명령 %d개, 마지막은 %s", e.seen.count, e.seen.last)
	}
	return fmt.Sprintf("it had sent %d commands, the last: %s", e.seen.count, e.seen.last)
}

// busyReads is how many reads in one second a learner's client may send
// before the test calls it a busy loop. A read waits up to MaxBlock (100ms)
// when nothing is there; the tests' data is small.
const busyReads = 300

// commandLog remembers what the learner's clients sent, and when they read.
type commandLog struct {
	sync.Mutex
	count  int
	last   string
	reads  []time.Time // the last busyReads reads
	warned bool
	// readErr is the error of the last read, when it failed (not redis.Nil):
	// a loop that reads again at once after an error spins too.
	readErr error
}

// watchCommands notes every command, and fails the test once when reads come
// far faster than BLOCK allows: a loop with no BLOCK, or one that reads
// again and again whatever comes back. It then slows that loop down, so that
// it does not burn a core until the test ends.
func (e *Env) watchCommands(ctx context.Context, cmds []redis.Cmder, send func() error) error {
	switch cmds[0].Name() {
	case "hello", "client", "auth", "select": // go-redis's own, on each new connection
		return send()
	}
	now := time.Now()
	l := &e.seen
	l.Lock()
	l.count += len(cmds)
	l.last = Show(cmds[len(cmds)-1])
	busy := false
	for _, cmd := range cmds {
		switch cmd.Name() {
		case "xread", "xreadgroup", "xautoclaim", "xrange", "xrevrange":
			l.reads = append(l.reads, now)
		}
	}
	if len(l.reads) > busyReads {
		l.reads = l.reads[len(l.reads)-busyReads:]
		busy = now.Sub(l.reads[0]) < time.Second
	}
	report := busy && !l.warned
	l.warned = l.warned || busy
	last, readErr := l.last, l.readErr
	l.Unlock()
	if report {
		r := Report{
			Want: lang.Pick("a read loop that waits for new entries (BLOCK) instead of spinning",
				"새 엔트리를 기다리는(BLOCK) 읽기 반복, 헛도는 반복이 아님"),
			Got: lang.Pick(fmt.Sprintf("%d reads in under a second, the last: %s", busyReads, last),
				fmt.Sprintf("1초 안에 읽기 %d번, 마지막은 %s", busyReads, last)),
			Hint: lang.Pick("read with Block: time.Second so that a quiet stream waits instead of spinning, and do not read the same entries again and again when handling them fails (README, Your turn)",
				"Block: time.Second를 주고 읽어서, 조용한 stream에서는 헛돌지 말고 기다리세요. 처리에 실패한 같은 엔트리를 쉬지 않고 다시 읽지도 마세요(README, 여러분 차례)"),
		}
		if readErr != nil {
			r.Got = lang.Pick(fmt.Sprintf("%d reads in under a second, failing with %q; the last: %s", busyReads, readErr, last),
				fmt.Sprintf("1초 안에 읽기 %d번, 실패 오류는 %q, 마지막은 %s", busyReads, readErr, last))
			r.Hint = lang.Pick("a read that fails is not a quiet second: return its error, instead of reading again at once",
				"실패한 읽기는 조용한 1초가 아닙니다. 곧바로 다시 읽지 말고 그 오류를 반환하세요")
		}
		Fail(e.t, r)
	}
	if busy {
		time.Sleep(10 * time.Millisecond)
	}
	err := send()
	for _, cmd := range cmds {
		switch cmd.Name() {
		case "xread", "xreadgroup", "xautoclaim", "xrange", "xrevrange":
			readErr := CmdErr(cmds, cmd, err)
			if errors.Is(readErr, redis.Nil) {
				readErr = nil
			}
			l.Lock()
			l.readErr = readErr
			l.Unlock()
		}
	}
	return err
}

// CmdErr is the error of cmd, one of cmds that a hook sent, once send
// returned err. go-redis sets a lone command's error only after the hooks
// return, so there it is err.
func CmdErr(cmds []redis.Cmder, cmd redis.Cmder, err error) error {
	if len(cmds) == 1 && cmd.Err() == nil {
		return err
	}
	return cmd.Err()
}
