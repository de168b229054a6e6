package exercise

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/lang"
	ex "github.com/streams-workshop/kit/testkit/exercisetest"
)

// The tests speak of the contract in each task's doc comment: a hint starts
// with the clause that broke and ends with the README section that teaches
// it. They stand in for time with hooks on the learner's client: an entry
// "arrives while a read waits" when the hook adds it just before the read is
// sent.

func clause(n int) string {
	return lang.Pick(fmt.Sprintf("clause %d: ", n), fmt.Sprintf("조항 %d: ", n))
}

func readme(en, ko string) string {
	return lang.Pick(" (README.md, "+en+")", " (README.ko.md, "+ko+")")
}

var (
	goal       = func() string { return readme("Goal", "목표") }
	shouldSee  = func() string { return readme("You should see", "이런 출력이 보여야 한다") }
	goalAndSee = func() string { return readme("Goal; You should see", "목표; 이런 출력이 보여야 한다") }
)

// returned says what the learner's function returned instead of its answer.
func returned(err error) string {
	var p panicked
	if errors.As(err, &p) {
		return lang.Pick("it panicked: ", "패닉이 났습니다: ") + fmt.Sprint(p.value)
	}
	return lang.Pick("it returned the error: ", "반환한 오류: ") + err.Error()
}

// panicked is a panic in the learner's code, turned into an error so that the
// test can say so instead of crashing.
type panicked struct{ value any }

func (p panicked) Error() string { return fmt.Sprint("panic: ", p.value) }

// call runs one call into the learner's code with ex.Call's deadline, and
// turns a panic into an error.
func call[T any](t *testing.T, env *ex.Env, what string, fn func(ctx context.Context) (T, error)) (T, error) {
	t.Helper()
	return ex.Call(t, env, what, ex.CallLimit, func(ctx context.Context) (v T, err error) {
		defer func() {
			if r := recover(); r != nil {
				err = panicked{r}
			}
		}()
		return fn(ctx)
	})
}

// refuse fails cmds with err instead of sending them.
func refuse(cmds []redis.Cmder, err error) error {
	for _, cmd := range cmds {
		cmd.SetErr(err)
	}
	return err
}

var errRefused = errors.New("exercisetest: the test refused this read (see the failure above)")

func addAt(t *testing.T, c *redis.Client, id, user, message string) {
	t.Helper()
	if err := c.XAdd(context.Background(), &redis.XAddArgs{Stream: stream, ID: id, Values: []string{user, message}}).Err(); err != nil {
		t.Errorf("XADD %s %s: %v", stream, id, err)
	}
}

// readKeys returns the keys after STREAMS in an XREAD.
func readKeys(cmd redis.Cmder) []string {
	args := cmd.Args()
	for i := range args {
		if s, _ := args[i].(string); strings.EqualFold(s, "streams") {
			rest := args[i+1:]
			keys := make([]string, 0, len(rest)/2)
			for _, a := range rest[:len(rest)/2] {
				keys = append(keys, fmt.Sprint(a))
			}
			return keys
		}
	}
	return nil
}

func msgIDs(msgs []redis.XMessage) []string {
	ids := make([]string, 0, len(msgs))
	for _, m := range msgs {
		ids = append(ids, m.ID)
	}
	return ids
}

func show(ids []string) string { return "[" + strings.Join(ids, " ") + "]" }

// blockForever is the hint for BLOCK 0, which both tasks share.
func blockForever(n int) string {
	return clause(n) + lang.Pick(
		"BLOCK 0 waits forever. go-redis sends it for Block: 0 (the zero value) and for anything under a millisecond, such as Block: 1000 (1000 ns). Block is a time.Duration: Block: time.Second sends BLOCK 1000",
		"BLOCK 0은 영원히 기다립니다. go-redis는 Block: 0(0값)이나 1 ms 미만(예: Block: 1000, 곧 1000 ns)이면 BLOCK 0을 보냅니다. Block은 time.Duration입니다. Block: time.Second로 쓰면 BLOCK 1000을 보냅니다") +
		goal()
}

// ---------------------------------------------------------------- Listen

// The entries of TestListen: three before Listen starts; two that arrive
// while its read waits; two more while it handles the first of those; in
// the second run, one more; and one between the first run and the second,
// while no Listen runs. Several share a millisecond.
var (
	beforeListen = []string{"1-0", "1-1", "2-0"}
	arriveFirst  = []string{"5-0", "5-1"}
	arriveNext   = []string{"5-2", "6-0"}
	arriveLater  = "6-1"
	// whileStopped is added between the first run and the second, while no
	// Listen runs: the second must not handle it.
	whileStopped = "3-0"
)

// listener runs Listen once, with a hook on its client that plays the
// scenario of one run, and keeps what happened.
type listener struct {
	t   *testing.T
	own *redis.Client

	mu        sync.Mutex
	cancel    context.CancelFunc
	cancelled bool
	reads     int      // XREADs sent
	firstIDs  []string // the IDs of the first XREAD
	lastRead  string   // the last XREAD, as redis-cli takes it
	quiet     bool     // the last XREAD returned nothing
	handled   []string // IDs, in the order handle got them
	added     []string // the entries added after Listen started
	after     int      // reads sent once every added entry was handled
	failed    bool     // the scenario failed a read with an error
}

func (l *listener) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cancelled = true
	if l.cancel != nil {
		l.cancel()
	}
}

// add adds entries after Listen started, as a publisher would.
func (l *listener) add(ids ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range ids {
		addAt(l.t, l.own, id, "user-b", "message "+id)
		l.added = append(l.added, id)
	}
}

func (l *listener) handle(m redis.XMessage) {
	l.mu.Lock()
	l.handled = append(l.handled, m.ID)
	more := m.ID == arriveFirst[0] && !slices.Contains(l.added, arriveNext[0])
	l.mu.Unlock()
	if more {
		l.add(arriveNext...) // while handle runs
	}
}

func (l *listener) allHandled() bool {
	for _, id := range l.added {
		if !slices.Contains(l.handled, id) {
			return false
		}
	}
	return len(l.added) > 0
}

// hook checks each XREAD against clauses 1, 2 and 4, and plays step(n, cmd)
// before the n-th is sent; step may return an error to fail that read.
func (l *listener) hook(step func(n int, cmd redis.Cmder) error) ex.Hook {
	return func(ctx context.Context, cmds []redis.Cmder, send func() error) error {
		cmd := cmds[0]
		if len(cmds) != 1 || cmd.Name() != "xread" {
			return send()
		}
		l.mu.Lock()
		l.reads++
		n := l.reads
		if n == 1 {
			l.firstIDs = ex.ReadIDs(cmd)
		}
		l.lastRead = ex.Show(cmd)
		received := len(l.handled) > 0
		lastHandled := ""
		if received {
			lastHandled = l.handled[len(l.handled)-1]
		}
		added := slices.Clone(l.added)
		l.mu.Unlock()

		if r, bad := checkListenRead(cmd, received, lastHandled, added); bad {
			ex.Fail(l.t, r)
			l.stop()
			return refuse(cmds, errRefused)
		}
		if err := step(n, cmd); err != nil {
			return refuse(cmds, err)
		}
		l.mu.Lock()
		if l.allHandled() {
			l.after++
		}
		after := l.after
		l.mu.Unlock()
		err := send()
		l.mu.Lock()
		l.quiet = ex.Delivered(cmd) == 0
		l.mu.Unlock()
		// Kept running after the expected entries, to catch duplicates; then
		// stopped. A listener that never gets there is stopped anyway.
		if after >= 2 || n >= 15 {
			l.stop()
		}
		return err
	}
}

// checkListenRead checks one XREAD of Listen: the stream, BLOCK, and $ once.
func checkListenRead(cmd redis.Cmder, received bool, lastHandled string, added []string) (ex.Report, bool) {
	i, ms := ex.BlockArg(cmd)
	ids := ex.ReadIDs(cmd)
	switch {
	case !slices.Equal(readKeys(cmd), []string{stream}):
		return ex.Report{
			Want: lang.Pick("XREAD ... STREAMS user-notifications <ID>", "XREAD ... STREAMS user-notifications <ID>"),
			Got:  ex.Show(cmd),
			Hint: clause(1) + lang.Pick("read the stream user-notifications (the constant stream), one ID after it: Streams: []string{stream, id}",
				"stream user-notifications(상수 stream)을 읽고, 그 뒤에 ID 하나를 주세요: Streams: []string{stream, id}") + shouldSee(),
		}, true
	case i < 0:
		return ex.Report{
			Want: lang.Pick("a read that waits for new entries: XREAD BLOCK ...", "새 엔트리를 기다리는 읽기: XREAD BLOCK ..."),
			Got: ex.Show(cmd) + lang.Pick(": no BLOCK, so XREAD answers at once and the loop asks again and again",
				": BLOCK이 없어서 XREAD가 곧바로 답하고, 반복문은 묻고 또 묻습니다"),
			Hint: clause(2) + lang.Pick("read with Block: time.Second, so that XREAD waits up to a second for new entries (Block: -1 sends no BLOCK at all)",
				"Block: time.Second로 읽으세요. 그러면 XREAD가 새 엔트리를 최대 1초 기다립니다(Block: -1이면 BLOCK을 아예 보내지 않습니다)") + goal(),
		}, true
	case ms > 0 && ms < 100:
		return ex.Report{
			Want: lang.Pick("a read that waits for new entries a while: BLOCK 100 or more (Block: time.Second)",
				"새 엔트리를 잠시 기다리는 읽기: BLOCK 100 이상(Block: time.Second)"),
			Got: ex.Show(cmd) + lang.Pick(fmt.Sprintf(": BLOCK %d waits %d ms, so a quiet stream costs %d reads a second", ms, ms, 1000/ms),
				fmt.Sprintf(": %d ms만 기다리므로 조용한 stream에서 1초에 %d번 읽습니다", ms, 1000/ms)),
			Hint: clause(2) + lang.Pick("Block is a time.Duration: Block: time.Second sends BLOCK 1000, a second's wait",
				"Block은 time.Duration입니다. Block: time.Second로 쓰면 BLOCK 1000, 곧 1초를 기다립니다") + goal(),
		}, true
	case ms == 0:
		return ex.Report{
			Want: lang.Pick("a blocking read that gives up after a while (Block: time.Second)", "잠시 기다린 뒤 포기하는 읽기(Block: time.Second)"),
			Got: ex.Show(cmd) + lang.Pick(": BLOCK 0 waits forever, so Listen could never stop",
				": BLOCK 0은 영원히 기다리므로 Listen이 멈출 수 없습니다"),
			Hint: blockForever(4),
		}, true
	case ms > 2000:
		return ex.Report{
			Want: lang.Pick("a short BLOCK, at most 2000 ms, so that a cancel is noticed soon", "cancel을 곧 알아차리도록 짧은 BLOCK(최대 2000 ms)"),
			Got: ex.Show(cmd) + lang.Pick(fmt.Sprintf(": a cancel is noticed only when this read ends, up to %d ms later", ms),
				fmt.Sprintf(": cancel은 이 읽기가 끝나야 알아차립니다. 최대 %d ms 뒤입니다", ms)),
			Hint: clause(4) + lang.Pick("keep Block short, time.Second (2 s at most): a blocking read does not notice a cancelled context, so Listen stops only when its BLOCK is over",
				"Block은 time.Second처럼 짧게(최대 2초) 두세요. 블로킹 읽기는 취소된 context를 알아차리지 못해서, Listen은 BLOCK이 끝나야 멈춥니다") + goal(),
		}, true
	case received && len(ids) == 1 && ids[0] == "$":
		var skipped []string
		for _, id := range added {
			if id > lastHandled { // the IDs of the scenario compare as strings
				skipped = append(skipped, id)
			}
		}
		return ex.Report{
			Want: lang.Pick(fmt.Sprintf("a read after %s, the last entry you received", lastHandled),
				fmt.Sprintf("마지막으로 받은 엔트리(%s) 다음부터 읽기", lastHandled)),
			Got: ex.Show(cmd) + lang.Pick(
				fmt.Sprintf("\nwhile you handled the entries you received, %s were added: $ skips them, they would never reach you", strings.Join(skipped, " and ")),
				fmt.Sprintf("\n받은 엔트리를 처리하는 동안 새 엔트리가 들어왔습니다(%s). $로 읽으면 이들을 건너뛰어 영영 받지 못합니다", strings.Join(skipped, ", "))),
			Hint: clause(1) + lang.Pick(
				"$ means \"after the newest entry, now\": send it only until the first entry comes, then continue from the ID of the last entry you received",
				"$는 \"지금 가장 새 엔트리 다음\"이라는 뜻입니다. 첫 엔트리가 올 때까지만 보내고, 그다음부터는 마지막으로 받은 엔트리의 ID에서 이어 읽으세요") + shouldSee(),
		}, true
	}
	return ex.Report{}, false
}

// run runs Listen with the hook until it returns, and says whether it
// returned before the test cancelled its context.
func (l *listener) run(env *ex.Env, step func(n int, cmd redis.Cmder) error) (early bool, err error) {
	l.t.Helper()
	rdb := env.Learner(l.hook(step))
	var (
		mu       sync.Mutex
		finished bool
		watchdog *time.Timer
	)
	l.t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		finished = true
		if watchdog != nil {
			watchdog.Stop()
		}
	})
	_, err = call(l.t, env, "Listen(ctx, rdb, handle)", func(ctx context.Context) (struct{}, error) {
		ctx, cancel := context.WithCancel(ctx)
		l.mu.Lock()
		l.cancel = func() {
			cancel()
			// Clause 4: back within 2 s of the cancel; ex.Call's own
			// deadline comes later and says less.
			mu.Lock()
			defer mu.Unlock()
			if watchdog == nil && !finished {
				watchdog = time.AfterFunc(3*time.Second, func() {
					l.mu.Lock()
					last := l.lastRead
					l.mu.Unlock()
					mu.Lock()
					defer mu.Unlock()
					if !finished {
						ex.Fail(l.t, ex.Report{
							Want: lang.Pick("Listen returns within 2 s of its context's cancel", "context가 취소되면 2초 안에 Listen이 끝남"),
							Got: lang.Pick("still running 3 s after the cancel; its last read: "+last,
								"cancel 3초 뒤에도 실행 중. 마지막 읽기: "+last),
							Hint: clause(4) + lang.Pick("check ctx.Err() between reads and return nil when it is not nil; a read that fails because ctx was cancelled is no reason to read again",
								"읽기 사이마다 ctx.Err()를 확인하고, nil이 아니면 nil을 반환하세요. context가 취소되어 실패한 읽기를 다시 시도하면 안 됩니다") + goal(),
						})
					}
				})
			}
		}
		l.mu.Unlock()
		defer cancel()
		return struct{}{}, Listen(ctx, rdb, l.handle)
	})
	mu.Lock()
	finished = true
	mu.Unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	return !l.cancelled, err
}

func TestListen(t *testing.T) {
	env := ex.Start(t)
	own := env.Client()

	// First run, as on a first start: the stream does not exist yet. A quiet
	// read; the entries that will be there before the next run arrive while
	// the second read waits; a cancel.
	l0 := &listener{t: t, own: own}
	early, err := l0.run(env, func(n int, cmd redis.Cmder) error {
		if n == 2 {
			ids := ex.ReadIDs(cmd)
			l0.add(beforeListen...)
			if len(ids) == 1 && ids[0] == "$" {
				cmd.Args()[len(cmd.Args())-1] = "0-0" // $ of a stream that did not exist
			}
		}
		return nil
	})
	ex.StopIfNotStarted(t, err, Listen)
	if t.Failed() {
		t.FailNow()
	}
	checkNoStream(t, l0, err, early)
	checkStop(t, l0, err, early)
	checkHandled(t, l0, l0.added)

	// Between the runs, while no Listen runs, an entry comes.
	addAt(t, own, whileStopped, "user-b", "while no listener ran")

	// Second run, over the stream the first one saw grow: a quiet read; two
	// entries arrive while the second read waits; two more while handle runs;
	// quiet reads after them; a cancel.
	l := &listener{t: t, own: own}
	early, err = l.run(env, func(n int, cmd redis.Cmder) error {
		if n == 2 {
			ids := ex.ReadIDs(cmd)
			l.add(arriveFirst...)
			if len(ids) == 1 && ids[0] == "$" {
				// The read was sent before they came: $ stood for the
				// newest entry then.
				cmd.Args()[len(cmd.Args())-1] = whileStopped
			}
		}
		return nil
	})
	ex.StopIfNotStarted(t, err, Listen)
	if t.Failed() {
		t.FailNow() // a check on a read has said why
	}
	checkFresh(t, l, l0)
	checkStop(t, l, err, early)
	checkHandled(t, l, l.added)

	// Third run over the same stream: a quiet read, one entry while the next
	// read waits, then a read fails with an error.
	loading := errors.New("LOADING Redis is loading the dataset in memory (the test made this XREAD fail)")
	l2 := &listener{t: t, own: own}
	early, err = l2.run(env, func(n int, cmd redis.Cmder) error {
		switch {
		case n == 2:
			ids := ex.ReadIDs(cmd)
			l2.add(arriveLater)
			if len(ids) == 1 && ids[0] == "$" {
				cmd.Args()[len(cmd.Args())-1] = arriveNext[len(arriveNext)-1]
			}
		case n == 3:
			l2.mu.Lock()
			l2.failed = true
			l2.mu.Unlock()
			return loading
		case n > 3:
			ex.Fail(t, ex.Report{
				Want: lang.Pick("Listen returns the error of a failed read", "읽기가 실패하면 Listen이 그 오류를 반환"),
				Got: lang.Pick(fmt.Sprintf("the read failed with %q, and Listen read again: %s", loading, ex.Show(cmd)),
					fmt.Sprintf("읽기가 실패했는데(%q) Listen이 다시 읽었습니다: %s", loading, ex.Show(cmd))),
				Hint: clause(5) + lang.Pick(
					"only redis.Nil means \"nothing new\": any other error ends Listen, return it (when ctx is not cancelled); reading on at once would spin while Redis is down",
					"\"새것 없음\"은 redis.Nil뿐입니다. 다른 오류면 (ctx가 취소되지 않았을 때) Listen을 끝내고 그 오류를 반환하세요. 곧바로 다시 읽으면 Redis가 죽어 있는 동안 헛돕니다") + goal(),
			})
			l2.stop()
			return errRefused
		}
		return nil
	})
	if t.Failed() {
		t.FailNow()
	}
	if err == nil || !early {
		got := lang.Pick(fmt.Sprintf("the read failed with %q, and Listen returned nil", loading),
			fmt.Sprintf("읽기가 실패했는데(%q) Listen의 반환값은 nil", loading))
		if !early {
			got = lang.Pick(fmt.Sprintf("the read failed with %q, and Listen went on until the test cancelled it", loading),
				fmt.Sprintf("읽기가 실패했는데(%q) Listen은 테스트가 취소할 때까지 계속 돌았습니다", loading))
		}
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("Listen returns the error of a failed read", "읽기가 실패하면 Listen이 그 오류를 반환"),
			Got:  got,
			Hint: clause(5) + lang.Pick(
				"return the read's error unless it is redis.Nil (a quiet second) or ctx is cancelled: if err != nil { if ctx.Err() != nil { return nil }; return err }",
				"redis.Nil(조용한 1초)이거나 ctx가 취소된 경우가 아니면 읽기 오류를 반환하세요: if err != nil { if ctx.Err() != nil { return nil }; return err }") + goal(),
		})
	}
	checkHandled(t, l2, l2.added)
}

// checkNoStream checks that Listen started on a stream that does not exist
// yet, before its first XREAD: a lookup of the newest entry finds none.
func checkNoStream(t *testing.T, l *listener, err error, early bool) {
	t.Helper()
	l.mu.Lock()
	reads := l.reads
	l.mu.Unlock()
	var p panicked
	if !early || reads > 0 || (!errors.As(err, &p) && (err == nil || !strings.Contains(err.Error(), "no such key"))) {
		return
	}
	ex.Fatal(t, ex.Report{
		Want: lang.Pick("Listen waits for new entries, also when the stream does not exist yet", "stream이 아직 없어도 Listen이 새 엔트리를 기다림"),
		Got:  returned(err) + lang.Pick(", before its first XREAD; user-notifications did not exist yet", ". 첫 XREAD 전이었고, user-notifications는 아직 없었습니다"),
		Hint: clause(1) + lang.Pick(
			"on a first run the stream does not exist yet: a lookup of the newest entry (XREVRANGE ... COUNT 1) finds none, so check len(newest) before newest[0], and start after 0-0 then, as terminals.go's listen does; or read from $",
			"처음 실행할 때는 stream이 아직 없습니다. 가장 새 엔트리를 찾는 읽기(XREVRANGE ... COUNT 1)가 아무것도 찾지 못하니, newest[0] 전에 len(newest)를 확인하고, 그때는 terminals.go의 listen처럼 0-0 다음부터 읽으세요. 아니면 $에서 읽으세요") + shouldSee(),
	})
}

// checkStop checks how a run ended: by the test's cancel, with nil.
func checkStop(t *testing.T, l *listener, err error, early bool) {
	t.Helper()
	l.mu.Lock()
	quiet, last, handled, reads := l.quiet, l.lastRead, slices.Clone(l.handled), l.reads
	l.mu.Unlock()
	var p panicked
	switch {
	case reads == 0 && !errors.As(err, &p):
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("Listen waits for new entries with XREAD BLOCK", "Listen이 XREAD BLOCK으로 새 엔트리를 기다림"),
			Got:  lang.Pick("no XREAD sent; ", "XREAD를 보내지 않음. ") + returnedOrNot(err),
			Hint: clause(2) + lang.Pick("read with XREAD BLOCK 1000 STREAMS user-notifications <ID>: rdb.XRead(ctx, &redis.XReadArgs{Streams: []string{stream, id}, Block: time.Second})",
				"XREAD BLOCK으로 읽으세요: XREAD BLOCK 1000 STREAMS user-notifications <ID>, 곧 rdb.XRead(ctx, &redis.XReadArgs{Streams: []string{stream, id}, Block: time.Second})") + goal(),
		})
	case !early && err != nil:
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("nil when the context is cancelled", "context가 취소되면 nil"),
			Got:  returned(err),
			Hint: clause(4) + lang.Pick("stopping is not a failure: when ctx.Err() != nil, return nil, also when the read failed because of the cancel",
				"멈추는 것은 실패가 아닙니다. ctx.Err() != nil이면 nil을 반환하세요. cancel 때문에 읽기가 실패했을 때도 마찬가지입니다") + goal(),
		})
	case !early:
		return
	case quiet && errors.As(err, &p):
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("Listen reads again after a quiet second", "조용한 1초가 지나면 Listen이 다시 읽음"),
			Got:  returned(err) + lang.Pick("\nafter a read that found nothing: ", "\n아무것도 못 받은 읽기 다음: ") + last,
			Hint: clause(3) + lang.Pick("when nothing comes, XREAD returns redis.Nil and no streams: check the error before streams[0], and on redis.Nil read again",
				"아무것도 오지 않으면 XREAD는 redis.Nil과 빈 결과를 돌려줍니다. streams[0]보다 오류를 먼저 확인하고, redis.Nil이면 다시 읽으세요") + goal(),
		})
	case errors.Is(err, redis.Nil):
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("Listen reads again after a quiet second", "조용한 1초가 지나면 Listen이 다시 읽음"),
			Got:  returned(err) + lang.Pick("\nafter a read that found nothing: ", "\n아무것도 못 받은 읽기 다음: ") + last,
			Hint: clause(3) + lang.Pick("redis.Nil means the second passed and nothing came: not an error, read again. if errors.Is(err, redis.Nil) { continue }",
				"redis.Nil은 1초가 지나도록 아무것도 오지 않았다는 뜻이지 오류가 아닙니다. 다시 읽으세요: if errors.Is(err, redis.Nil) { continue }") + goal(),
		})
	case err == nil && quiet:
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("Listen reads again after a quiet second", "조용한 1초가 지나면 Listen이 다시 읽음"),
			Got: lang.Pick("it returned nil, before its context was cancelled, after a read that found nothing: ",
				"context가 취소되기 전에, 아무것도 못 받은 읽기 다음에 nil을 반환했습니다: ") + last,
			Hint: clause(3) + lang.Pick("a quiet second is not the end: on redis.Nil, read again; return only when ctx.Err() != nil",
				"조용한 1초는 끝이 아닙니다. redis.Nil이면 다시 읽고, ctx.Err() != nil일 때만 끝내세요") + goal(),
		})
	case err == nil:
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("Listen runs until its context is cancelled", "context가 취소될 때까지 Listen이 계속 돎"),
			Got: lang.Pick(fmt.Sprintf("it returned nil before; it handled %s", show(handled)),
				fmt.Sprintf("그 전에 nil을 반환했습니다. 처리한 엔트리: %s", show(handled))),
			Hint: clause(4) + lang.Pick("loop: read, handle each entry, read again, until ctx.Err() != nil",
				"반복하세요: 읽고, 엔트리마다 처리하고, 다시 읽기를 ctx.Err() != nil일 때까지") + goal(),
		})
	default:
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("Listen runs until its context is cancelled", "context가 취소될 때까지 Listen이 계속 돎"),
			Got:  returned(err) + lang.Pick("\nits last read: ", "\n마지막 읽기: ") + last,
			Hint: clause(1) + lang.Pick("XREAD BLOCK 1000 STREAMS user-notifications <ID>: rdb.XRead(ctx, &redis.XReadArgs{Streams: []string{stream, id}, Block: time.Second})",
				"XREAD BLOCK 1000 STREAMS user-notifications <ID>: rdb.XRead(ctx, &redis.XReadArgs{Streams: []string{stream, id}, Block: time.Second})") + shouldSee(),
		})
	}
}

func returnedOrNot(err error) string {
	if err == nil {
		return lang.Pick("it returned nil", "nil을 반환함")
	}
	return returned(err)
}

// checkFresh checks clause 1 on a run that follows prev: it starts from "$",
// not from where prev stopped, so an entry added between them is not its.
func checkFresh(t *testing.T, l, prev *listener) {
	t.Helper()
	l.mu.Lock()
	first, handledIt := slices.Clone(l.firstIDs), slices.Contains(l.handled, whileStopped)
	l.mu.Unlock()
	prev.mu.Lock()
	last := ""
	if len(prev.handled) > 0 {
		last = prev.handled[len(prev.handled)-1]
	}
	prev.mu.Unlock()
	if !handledIt || last == "" || !slices.Equal(first, []string{last}) {
		return // checkHandled says what else went wrong
	}
	ex.Fatal(t, ex.Report{
		Want: lang.Pick("a new call of Listen handles only the entries added after it started; its first read is from $",
			"새로 호출한 Listen은 시작한 뒤에 추가된 엔트리만 처리함. 첫 읽기는 $에서"),
		Got: lang.Pick(fmt.Sprintf("its first read was from %s, where the previous call stopped, and it handled %s, added while no Listen ran", last, whileStopped),
			fmt.Sprintf("첫 읽기가 이전 호출이 멈춘 %s에서 시작했고, Listen이 돌지 않는 동안 추가된 %s까지 처리했습니다", last, whileStopped)),
		Hint: clause(1) + lang.Pick(
			"each call of Listen starts afresh from $: keep the ID of the last entry received in a variable inside Listen (lastID := \"$\" in the function), not in a package-level variable that outlives the call",
			"Listen은 호출할 때마다 $에서 새로 시작합니다. 마지막으로 받은 엔트리의 ID는 호출이 끝나도 남는 패키지 변수가 아니라 Listen 안의 변수(함수 안에서 lastID := \"$\")에 두세요") + shouldSee(),
	})
}

// checkHandled checks clause 1 on what handle got: want, once each, in order.
func checkHandled(t *testing.T, l *listener, want []string) {
	t.Helper()
	l.mu.Lock()
	got := slices.Clone(l.handled)
	l.mu.Unlock()
	if slices.Equal(got, want) {
		return
	}
	r := ex.Report{
		Want: lang.Pick(fmt.Sprintf("handle called for %s, the entries added after Listen started", show(want)),
			fmt.Sprintf("Listen이 시작한 뒤 추가된 엔트리마다 handle이 한 번씩, 차례로 불림: %s", show(want))),
		Got: lang.Pick(fmt.Sprintf("handle called for %s", show(got)), fmt.Sprintf("handle이 불린 엔트리: %s", show(got))),
	}
	var old, twice, missed []string
	seen := map[string]bool{}
	for _, id := range got {
		if !slices.Contains(want, id) {
			old = append(old, id)
		}
		if seen[id] && !slices.Contains(twice, id) {
			twice = append(twice, id)
		}
		seen[id] = true
	}
	for _, id := range want {
		if !seen[id] {
			missed = append(missed, id)
		}
	}
	switch {
	case len(old) > 0:
		r.Hint = clause(1) + lang.Pick(
			fmt.Sprintf("it handled entries from before Listen started, %s: the first read is from $, which means only what comes next (0 means from the beginning)", show(old)),
			fmt.Sprintf("Listen이 시작하기 전부터 있던 엔트리까지 처리했습니다(%s). 첫 읽기는 $에서 하세요. $는 앞으로 올 것만을 뜻합니다(0은 처음부터)", show(old))) + shouldSee()
	case len(twice) > 0:
		r.Hint = clause(1) + lang.Pick(
			fmt.Sprintf("it handled %s twice: read on from the ID of the last entry you received, the last of the batch", strings.Join(twice, " and ")),
			fmt.Sprintf("같은 엔트리를 두 번 처리했습니다(%s). 마지막으로 받은 엔트리, 곧 받은 묶음의 마지막 엔트리의 ID에서 이어 읽으세요", strings.Join(twice, ", "))) + shouldSee()
	case len(missed) > 0:
		r.Hint = clause(1) + lang.Pick(
			fmt.Sprintf("it never handled %s: call handle for every entry of every reply, and read on from the ID of the last entry you received", show(missed)),
			fmt.Sprintf("처리하지 못한 엔트리가 있습니다(%s). 받은 응답의 엔트리마다 handle을 부르고, 마지막으로 받은 엔트리의 ID에서 이어 읽으세요", show(missed))) + shouldSee()
	default:
		r.Hint = clause(1) + lang.Pick("call handle for each entry in the order XREAD returns them, one after the other",
			"XREAD가 돌려준 순서대로 엔트리마다 handle을 하나씩 부르세요") + shouldSee()
	}
	ex.Fatal(t, r)
}

// ---------------------------------------------------------------- WaitASecond

// waitWatch watches the XREADs of one WaitASecond call, and can make an
// entry arrive while the next one waits.
type waitWatch struct {
	t   *testing.T
	own *redis.Client

	mu     sync.Mutex
	reads  []xread // the XREADs of this call
	arrive string  // an entry to add just before the next blocking read
}

// xread is one XREAD as the learner sent it, before the test's guard
// shortened its BLOCK.
type xread struct {
	cmd   redis.Cmder
	shown string
	block int64 // -1: no BLOCK
	ids   []string
}

func (w *waitWatch) reset(arrive string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.reads, w.arrive = nil, arrive
}

func (w *waitWatch) hook(ctx context.Context, cmds []redis.Cmder, send func() error) error {
	cmd := cmds[0]
	if len(cmds) != 1 || cmd.Name() != "xread" {
		return send()
	}
	w.mu.Lock()
	block := int64(-1)
	if i, ms := ex.BlockArg(cmd); i >= 0 {
		block = ms
	}
	w.reads = append(w.reads, xread{cmd: cmd, shown: ex.Show(cmd), block: block, ids: ex.ReadIDs(cmd)})
	n := len(w.reads)
	quietBefore := n > 1 && errors.Is(w.reads[n-2].cmd.Err(), redis.Nil)
	arrive := ""
	if i, _ := ex.BlockArg(cmd); i >= 0 {
		arrive, w.arrive = w.arrive, ""
	}
	w.mu.Unlock()
	if i, ms := ex.BlockArg(cmd); i >= 0 && ms == 0 {
		ex.Fail(w.t, ex.Report{
			Want: lang.Pick("XREAD BLOCK 1000: wait up to one second", "XREAD BLOCK 1000: 최대 1초 기다림"),
			Got:  ex.Show(cmd) + lang.Pick(": BLOCK 0 waits forever", ": BLOCK 0은 영원히 기다립니다"),
			Hint: blockForever(2),
		})
		return refuse(cmds, errRefused)
	}
	if quietBefore {
		ex.Fail(w.t, ex.Report{
			Want: lang.Pick("one read: after a quiet second, no entries and no error", "읽기 한 번: 조용한 1초가 지나면 엔트리도 오류도 없음"),
			Got: lang.Pick("after a read that found nothing, it read again: "+ex.Show(cmd),
				"아무것도 못 받은 읽기 다음에 다시 읽었습니다: "+ex.Show(cmd)),
			Hint: clause(3) + lang.Pick("WaitASecond waits one second, not until something comes: on redis.Nil, return nil, nil",
				"WaitASecond는 무언가 올 때까지가 아니라 1초만 기다립니다. redis.Nil이면 nil, nil을 반환하세요") + goal(),
		})
		return refuse(cmds, errRefused)
	}
	if arrive != "" {
		addAt(w.t, w.own, arrive, "user-c", "new here")
	}
	return send()
}

func TestWaitASecond(t *testing.T) {
	env := ex.Start(t)
	own := env.Client()
	stored := map[string][]string{
		"5-0": {"user-a", "hi"}, "5-1": {"user-b", "hello"}, "5-2": {"user-a", "how are you?"}, "6-0": {"user-b", "fine"},
	}
	// 12 entries in one millisecond before them: more than a COUNT 10.
	early := make([]string, 12)
	for i := range early {
		early[i] = fmt.Sprintf("3-%d", i)
		stored[early[i]] = []string{"user-d", fmt.Sprint("early ", i)}
	}
	for _, id := range cat(early, []string{"5-0", "5-1", "5-2", "6-0"}) {
		addAt(t, own, id, stored[id][0], stored[id][1])
	}
	stored["6-1"] = []string{"user-c", "new here"}
	loading := errors.New("LOADING Redis is loading the dataset in memory (the test made this read fail)")
	readFails := &fault{names: []string{"xread", "xrange", "xrevrange"}, err: loading}
	w := &waitWatch{t: t, own: own}
	rdb := env.Learner(readFails.hook, w.hook)

	wait := func(after, arrive string) (string, []redis.XMessage, error) {
		t.Helper()
		w.reset(arrive)
		what := fmt.Sprintf("WaitASecond(ctx, rdb, %q)", after)
		msgs, err := call(t, env, what, func(ctx context.Context) ([]redis.XMessage, error) {
			return WaitASecond(ctx, rdb, after)
		})
		ex.StopIfNotStarted(t, err, WaitASecond)
		if t.Failed() {
			t.FailNow() // a check on a read has said why
		}
		return what, msgs, err
	}
	firstRead := func() string {
		w.mu.Lock()
		defer w.mu.Unlock()
		if len(w.reads) == 0 {
			return lang.Pick("(no XREAD)", "(XREAD 없음)")
		}
		return w.reads[0].shown
	}

	// 1. What is there already, at once: three entries after 5-0, two in
	// its millisecond.
	what, msgs, err := wait("5-0", "")
	checkThere(t, w, what, "5-0", []string{"5-1", "5-2", "6-0"}, msgs, err, stored)

	// 1b. More entries than a COUNT would give (16), after an ID that is not
	// in the stream (trimmed, or deleted): all of them, the first one too.
	what, msgs, err = wait("2-0", "")
	checkThere(t, w, what, "2-0", cat(early, []string{"5-0", "5-1", "5-2", "6-0"}), msgs, err, stored)

	// 2. A quiet second: nothing after 6-0.
	what, msgs, err = wait("6-0", "")
	checkQuiet(t, w, what, msgs, err)

	// 3. An entry arrives while it waits: 6-1, in 6-0's millisecond.
	what, msgs, err = wait("6-0", "6-1")
	if err != nil || !slices.Equal(msgIDs(msgs), []string{"6-1"}) {
		got := show(msgIDs(msgs))
		if err != nil {
			got = returned(err)
		}
		ex.Fatal(t, ex.Report{
			Want: lang.Pick(fmt.Sprintf("%s returns 6-1, which arrives while it waits", what),
				fmt.Sprintf("%s 호출 결과 [6-1], 기다리는 동안 들어온 엔트리", what)),
			Got: got + lang.Pick("\nits read: ", "\n읽기: ") + firstRead(),
			Hint: clause(2) + lang.Pick("one XREAD BLOCK 1000 STREAMS user-notifications <after>, and return what it brings",
				"XREAD를 한 번 보내고(XREAD BLOCK 1000 STREAMS user-notifications <after>) 받은 것을 반환하세요") + goalAndSee(),
		})
	}

	// 4. The read fails: an error, not a quiet second.
	readFails.arm()
	what, msgs, err = wait("6-1", "")
	if err == nil {
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("an error when the read fails", "읽기가 실패하면 오류를 반환"),
			Got: lang.Pick(fmt.Sprintf("the read failed with %q; %s returned %s and no error", loading, what, show(msgIDs(msgs))),
				fmt.Sprintf("읽기 실패: %q\n%s 호출 결과: %s, 오류 nil", loading, what, show(msgIDs(msgs)))),
			Hint: clause(4) + lang.Pick("only redis.Nil means a quiet second: return any other error. if errors.Is(err, redis.Nil) { return nil, nil }; if err != nil { return nil, err }",
				"조용한 1초를 뜻하는 것은 redis.Nil뿐입니다. 다른 오류는 반환하세요: if errors.Is(err, redis.Nil) { return nil, nil }; if err != nil { return nil, err }") + goal(),
		})
	}

	// 5. And quiet again, on the same client.
	what, msgs, err = wait("6-1", "")
	checkQuiet(t, w, what, msgs, err)
}

// checkThere checks clause 1 on a call that finds want already there after
// the ID after.
func checkThere(t *testing.T, w *waitWatch, what, after string, want []string, msgs []redis.XMessage, err error, stored map[string][]string) {
	t.Helper()
	if err == nil && slices.Equal(msgIDs(msgs), want) && sameValues(msgs, stored) {
		return
	}
	w.mu.Lock()
	ids := []string{}
	shown := lang.Pick("(no XREAD)", "(XREAD 없음)")
	if len(w.reads) > 0 {
		ids, shown = w.reads[0].ids, w.reads[0].shown
	}
	w.mu.Unlock()
	got := short(msgIDs(msgs))
	if err != nil {
		got = returned(err)
	}
	r := ex.Report{
		Want: lang.Pick(fmt.Sprintf("%s returns %s at once", what, short(want)), fmt.Sprintf("%s 호출 결과 %s, 곧바로", what, short(want))),
		Got:  got + lang.Pick("\nits read: ", "\n읽기: ") + shown,
		Hint: clause(1) + lang.Pick("XREAD STREAMS user-notifications <after>: Streams: []string{stream, after}, and no COUNT: every entry after after",
			"XREAD STREAMS user-notifications <after>: Streams: []string{stream, after}. COUNT 없이, after 다음의 엔트리를 모두") + goalAndSee(),
	}
	gotIDs := msgIDs(msgs)
	switch {
	case len(ids) == 1 && ids[0] == "$":
		r.Hint = clause(1) + lang.Pick("$ means after the newest entry, now: it skips what is already there after after. Read from after: Streams: []string{stream, after}",
			"$는 지금 가장 새 엔트리 다음이라는 뜻이라서, after 다음에 이미 있는 엔트리를 건너뜁니다. after에서 읽으세요: Streams: []string{stream, after}") + goalAndSee()
	case err == nil && slices.ContainsFunc(gotIDs, func(id string) bool { return compareIDs(id, after) <= 0 }):
		r.Hint = clause(1) + lang.Pick("strictly after the ID after: XREAD returns what comes after the ID you give it, so give it after itself",
			"ID after보다 엄밀히 뒤의 엔트리입니다. XREAD는 받은 ID 다음의 것을 돌려주니, after를 그대로 주세요") + goalAndSee()
	case err == nil && len(gotIDs) > 0 && slices.Equal(gotIDs, want[1:]):
		r.Hint = clause(1) + lang.Pick(
			fmt.Sprintf("it left out %s, the entry right after %s: %s is not in the stream (trimmed, or deleted), so dropping the first entry read drops one you need. XREAD leaves out after itself: return every entry it gives you", want[0], after, after),
			fmt.Sprintf("%s 바로 다음 엔트리(%s)를 빠뜨렸습니다. %s는 stream에 없어서(잘려 나갔거나 지워져서), 읽은 것의 첫 엔트리를 버리면 필요한 엔트리를 버리게 됩니다. XREAD는 after 자신만 빼고 주니, 받은 엔트리를 모두 반환하세요", after, want[0], after)) + goalAndSee()
	case err == nil && len(gotIDs) > 0 && len(gotIDs) < len(want) && slices.Equal(gotIDs, want[:len(gotIDs)]):
		r.Hint = clause(1) + lang.Pick(fmt.Sprintf("only %d of the %d entries after after: return all of them, with no COUNT", len(gotIDs), len(want)),
			fmt.Sprintf("after 다음의 엔트리 %d개 중 %d개만 반환했습니다. COUNT 없이 모두 반환하세요", len(want), len(gotIDs))) + goalAndSee()
	}
	ex.Fatal(t, r)
}

// short writes IDs, runs of the same millisecond as 3-0…3-11.
func short(ids []string) string {
	var out []string
	for i := 0; i < len(ids); {
		j := i
		for j+1 < len(ids) {
			am, as := splitID(ids[j])
			bm, bs := splitID(ids[j+1])
			if am != bm || bs != as+1 {
				break
			}
			j++
		}
		if j-i >= 3 {
			out = append(out, ids[i]+"…"+ids[j])
		} else {
			out = append(out, ids[i:j+1]...)
		}
		i = j + 1
	}
	return "[" + strings.Join(out, " ") + "]"
}

func cat(lists ...[]string) []string { return slices.Concat(lists...) }

func sameValues(msgs []redis.XMessage, stored map[string][]string) bool {
	for _, m := range msgs {
		kv := stored[m.ID]
		if len(kv) != 2 || len(m.Values) != 1 || m.Values[kv[0]] != kv[1] {
			return false
		}
	}
	return true
}

// checkQuiet checks clauses 2 and 3 on a call that finds nothing.
func checkQuiet(t *testing.T, w *waitWatch, what string, msgs []redis.XMessage, err error) {
	t.Helper()
	w.mu.Lock()
	reads := slices.Clone(w.reads)
	w.mu.Unlock()
	want := lang.Pick(fmt.Sprintf("%s waits up to one second (XREAD BLOCK 1000), then returns no entries and no error", what),
		fmt.Sprintf("%s: 최대 1초 기다린 뒤(XREAD BLOCK 1000) 엔트리도 오류도 없이 반환", what))
	var p panicked
	switch {
	case errors.As(err, &p):
		ex.Fatal(t, ex.Report{
			Want: want,
			Got:  returned(err),
			Hint: clause(3) + lang.Pick("when nothing comes, XREAD returns redis.Nil and no streams: check the error before streams[0], and on redis.Nil return nil, nil",
				"아무것도 오지 않으면 XREAD는 redis.Nil과 빈 결과를 돌려줍니다. streams[0]보다 오류를 먼저 확인하고, redis.Nil이면 nil, nil을 반환하세요") + goal(),
		})
	case len(reads) == 0:
		ex.Fatal(t, ex.Report{
			Want: want,
			Got:  lang.Pick("no XREAD", "XREAD 없음"),
			Hint: clause(2) + lang.Pick("wait with XREAD BLOCK 1000 STREAMS user-notifications <after>", "XREAD BLOCK으로 기다리세요: XREAD BLOCK 1000 STREAMS user-notifications <after>") + goal(),
		})
	}
	if ms := reads[0].block; ms != 1000 {
		got := reads[0].shown + lang.Pick(": no BLOCK, so XREAD answered at once", ": BLOCK이 없어서 XREAD가 곧바로 답함")
		if ms >= 0 {
			got = reads[0].shown + lang.Pick(fmt.Sprintf(": BLOCK %d waits %d ms", ms, ms), fmt.Sprintf(": %d ms 기다림", ms))
		}
		ex.Fatal(t, ex.Report{
			Want: want,
			Got:  got,
			Hint: clause(2) + lang.Pick("Block is a time.Duration: Block: time.Second sends BLOCK 1000 (Block: -1 sends no BLOCK)",
				"Block은 time.Duration입니다. Block: time.Second로 쓰면 BLOCK 1000을 보냅니다(Block: -1이면 BLOCK을 보내지 않습니다)") + goal(),
		})
	}
	switch {
	case errors.Is(err, redis.Nil):
		ex.Fatal(t, ex.Report{
			Want: want,
			Got:  returned(err),
			Hint: clause(3) + lang.Pick("redis.Nil means the second passed and nothing came: that is not an error. if errors.Is(err, redis.Nil) { return nil, nil }",
				"redis.Nil은 1초가 지나도록 아무것도 오지 않았다는 뜻이지 오류가 아닙니다: if errors.Is(err, redis.Nil) { return nil, nil }") + goal(),
		})
	case err != nil:
		ex.Fatal(t, ex.Report{
			Want: want,
			Got:  returned(err),
			Hint: clause(3) + lang.Pick("a quiet second is not a failure: when XREAD times out (redis.Nil), return nil, nil",
				"조용한 1초는 실패가 아닙니다. XREAD가 시간을 다 쓰면(redis.Nil) nil, nil을 반환하세요") + goal(),
		})
	case len(msgs) != 0:
		ex.Fatal(t, ex.Report{
			Want: want,
			Got:  show(msgIDs(msgs)),
			Hint: clause(1) + lang.Pick("only entries strictly after the ID after: Streams: []string{stream, after}",
				"ID after보다 엄밀히 뒤의 엔트리만: Streams: []string{stream, after}") + goalAndSee(),
		})
	}
}

// fault fails the next command with one of names, once, after arm: an error
// from Redis that leaves the connection alive, as LOADING would.
type fault struct {
	names []string
	err   error

	mu    sync.Mutex
	armed bool
}

func (f *fault) arm() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.armed = true
}

func (f *fault) hook(ctx context.Context, cmds []redis.Cmder, send func() error) error {
	f.mu.Lock()
	hit := false
	for _, cmd := range cmds {
		hit = hit || (f.armed && slices.Contains(f.names, cmd.Name()))
	}
	if hit {
		f.armed = false
	}
	f.mu.Unlock()
	if hit {
		return refuse(cmds, f.err)
	}
	return send()
}

// compareIDs orders two entry IDs, <ms>-<seq>, as Redis does.
func compareIDs(a, b string) int {
	am, as := splitID(a)
	bm, bs := splitID(b)
	if c := cmp.Compare(am, bm); c != 0 {
		return c
	}
	return cmp.Compare(as, bs)
}

func splitID(id string) (ms, seq uint64) {
	m, s, _ := strings.Cut(id, "-")
	ms, _ = strconv.ParseUint(m, 10, 64)
	seq, _ = strconv.ParseUint(s, 10, 64)
	return ms, seq
}
