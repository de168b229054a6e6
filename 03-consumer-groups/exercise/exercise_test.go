package exercise

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"runtime"
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

// Each test calls the learner's function several times on data that breaks
// naive code: more entries than COUNT, IDs that share a millisecond, entries
// pending under other consumers, a handle that fails once, a quiet call, a
// second call over the same stream, and a command that answers an error
// once. After each call it checks what Redis holds (XPENDING) and what
// handle saw, and names the clause of the task's contract that was broken.

// ---------------------------------------------------------------------------
// What the three tests share.

// errHandle is what the test's handle returns, once, for the entries it was
// told to fail.
var errHandle = errors.New("handle failed (the test's handle fails once for this entry, on purpose)")

// errStopped is what a call returns when the test stopped it: it was
// handling the same entry, or reading, again and again.
var errStopped = errors.New("stopped by the test")

// injected is the error of a command that the test made fail once, as a
// Redis that refuses one command would; the connection stays up.
type injected struct{ cmd string }

func (e injected) Error() string {
	return "ERR the test made this " + e.cmd + " fail once (the connection is fine)"
}

func isInjected(err error) bool {
	return err != nil && strings.Contains(err.Error(), "the test made this")
}

// section is a README section, in both languages.
type section struct{ en, ko string }

var (
	secGoal = section{"Goal", "목표"}
	secLose = section{"Why the tutorial's services can lose events", "원문의 서비스가 이벤트를 잃을 수 있는 이유"}
	secTry  = section{"Try this", "해 볼 것"}
)

// hint names the clause broken and the README section that teaches it.
func hint(clause int, sec section, en, ko string) string {
	return lang.Pick(fmt.Sprintf("clause %d: %s (README.md, %q)", clause, en, sec.en),
		fmt.Sprintf("조항 %d: %s (README.ko.md, %q)", clause, ko, sec.ko))
}

// read is one XREADGROUP the learner's code sent.
type read struct {
	consumer string
	id       string // the ID after STREAMS
	count    int64  // 0 without COUNT
	block    int64  // the BLOCK in ms; -1 without BLOCK
	got      int    // entries in the reply; -1 when unknown
	err      error
}

// claim is one XAUTOCLAIM, and what the test answered.
type claim struct {
	start   string
	minIdle int64 // ms
	count   int64 // 0 without COUNT
	got     int
	cursor  string
}

// trace watches the learner's code: it is the handle the test passes, and a
// hook on the learner's client. It can fail one command once, and it
// answers XAUTOCLAIM itself (see autoclaim).
type trace struct {
	mu sync.Mutex

	consumer string          // the name the learner's code was given
	failOnce map[string]bool // handle fails once for these IDs
	failCmd  string          // the next command of this name fails once
	own      *redis.Client   // set: XAUTOCLAIM is answered by the test

	// For the current call (begin resets them).
	handled    []string
	calls      map[string]int
	failed     []string // IDs whose handle returned an error
	acks       []string // IDs sent in XACKs, in order
	ackedFirst []string // IDs sent in an XACK before handle saw them
	reads      []read
	claims     []claim
	names      []string // consumer names the code used other than consumer
	noack      bool
	emptyAck   bool   // an XACK with no ID was sent
	bare       string // the first entry handle got without its fields, and what it got
	emptyNew   bool   // the last read was a '>' read that found nothing
	afterEmpty int    // '>' reads sent right after a '>' read that found nothing
	runaway    string
	stopEn     string
	stopKo     string
	abort      chan struct{}
}

func newTrace(consumer string) *trace {
	return &trace{consumer: consumer, failOnce: map[string]bool{}}
}

// begin readies the trace for a new call, and returns the channel closed
// when the test stops it.
func (tr *trace) begin() chan struct{} {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.handled, tr.failed, tr.acks, tr.ackedFirst = nil, nil, nil, nil
	tr.reads, tr.claims, tr.names = nil, nil, nil
	tr.calls = map[string]int{}
	tr.noack, tr.emptyNew, tr.afterEmpty = false, false, 0
	tr.emptyAck, tr.bare = false, ""
	tr.runaway, tr.stopEn, tr.stopKo = "", "", ""
	tr.abort = make(chan struct{})
	return tr.abort
}

// stopLocked stops the current call: the call returns errStopped, and the
// learner's goroutine is parked for good by the caller, so that it does not
// spin until the test binary ends. kind is "handle", "reads", "claims" or
// "waits".
func (tr *trace) stopLocked(kind, en, ko string) {
	if tr.runaway != "" {
		return
	}
	tr.runaway, tr.stopEn, tr.stopKo = kind, en, ko
	close(tr.abort)
}

// park holds the learner's goroutine for good, once the test stopped it.
func park() { select {} }

// handle is the handle the test gives the learner's code.
func (tr *trace) handle(m redis.XMessage) error {
	tr.mu.Lock()
	if tr.runaway != "" {
		tr.mu.Unlock()
		park()
	}
	tr.handled = append(tr.handled, m.ID)
	tr.calls[m.ID]++
	if want := "message " + m.ID; tr.bare == "" && (len(m.Values) != 1 || m.Values["user-a"] != want) {
		tr.bare = fmt.Sprintf("%s %v", m.ID, m.Values)
	}
	if n := tr.calls[m.ID]; n >= 20 {
		tr.stopLocked("handle",
			fmt.Sprintf("handle was called %d times for %s in one call, %d calls in all", n, m.ID, len(tr.handled)),
			fmt.Sprintf("호출 한 번에 handle이 엔트리 하나(%s)에 대해 %d번 불렸습니다(모두 %d번)", m.ID, n, len(tr.handled)))
		tr.mu.Unlock()
		park()
	}
	if tr.failOnce[m.ID] {
		delete(tr.failOnce, m.ID)
		tr.failed = append(tr.failed, m.ID)
		tr.mu.Unlock()
		return errHandle
	}
	tr.mu.Unlock()
	return nil
}

// hook watches every command of the learner's client.
func (tr *trace) hook(ctx context.Context, cmds []redis.Cmder, send func() error) error {
	tr.mu.Lock()
	if tr.runaway != "" {
		tr.mu.Unlock()
		park()
	}
	var newRead *read
	for _, cmd := range cmds {
		args := cmd.Args()
		switch cmd.Name() {
		case "xreadgroup":
			r := read{got: -1, block: -1}
			if i, ms := ex.BlockArg(cmd); i >= 0 {
				r.block = ms
			}
			for i := 1; i < len(args); i++ {
				switch s := strings.ToLower(fmt.Sprint(args[i])); {
				case s == "group" && i+2 < len(args):
					r.consumer = fmt.Sprint(args[i+2])
					i += 2
				case s == "count" && i+1 < len(args):
					r.count, _ = strconv.ParseInt(fmt.Sprint(args[i+1]), 10, 64)
					i++
				case s == "noack":
					tr.noack = true
				}
			}
			if ids := ex.ReadIDs(cmd); len(ids) > 0 {
				r.id = ids[0]
			}
			tr.noteName(r.consumer)
			if r.id == ">" && tr.emptyNew {
				tr.afterEmpty++
			}
			tr.reads = append(tr.reads, r)
			if len(cmds) == 1 {
				newRead = &tr.reads[len(tr.reads)-1]
			}
		case "xack":
			tr.emptyAck = tr.emptyAck || len(args) <= 3
			for _, a := range args[min(3, len(args)):] {
				id := fmt.Sprint(a)
				tr.acks = append(tr.acks, id)
				if tr.calls[id] == 0 {
					tr.ackedFirst = append(tr.ackedFirst, id)
				}
			}
		case "xautoclaim", "xclaim":
			if len(args) > 3 {
				tr.noteName(fmt.Sprint(args[3]))
			}
		}
	}
	if tr.failCmd != "" {
		for _, cmd := range cmds {
			if cmd.Name() == tr.failCmd {
				tr.failCmd = ""
				tr.mu.Unlock()
				return failAll(cmds, injected{strings.ToUpper(cmd.Name())})
			}
		}
	}
	reads, claims := 0, 0
	for _, r := range tr.reads {
		if r.consumer != "" {
			reads++
		}
	}
	claims = len(tr.claims)
	switch {
	case tr.afterEmpty >= 3:
		tr.stopLocked("waits",
			fmt.Sprintf("it kept reading '>' after reads that found nothing, the last: %s", ex.Show(cmds[len(cmds)-1])),
			fmt.Sprintf("아무것도 찾지 못한 읽기 뒤에도 '>' 읽기를 계속했습니다. 마지막은 %s", ex.Show(cmds[len(cmds)-1])))
	case reads > 150:
		tr.stopLocked("reads",
			fmt.Sprintf("it sent %d XREADGROUPs in one call, the last: %s", reads, ex.Show(cmds[len(cmds)-1])),
			fmt.Sprintf("호출 한 번에 XREADGROUP을 %d번 보냈습니다. 마지막은 %s", reads, ex.Show(cmds[len(cmds)-1])))
	case claims > 200:
		tr.stopLocked("claims",
			fmt.Sprintf("it sent %d XAUTOCLAIMs in one call, the last: %s", claims, ex.Show(cmds[len(cmds)-1])),
			fmt.Sprintf("호출 한 번에 XAUTOCLAIM을 %d번 보냈습니다. 마지막은 %s", claims, ex.Show(cmds[len(cmds)-1])))
	}
	if tr.runaway != "" {
		tr.mu.Unlock()
		park()
	}
	emulate := tr.own != nil && len(cmds) == 1 && cmds[0].Name() == "xautoclaim"
	tr.mu.Unlock()
	if emulate {
		if done, err := tr.autoclaim(ctx, cmds[0]); done {
			return err
		}
	}
	err := send()
	if newRead != nil {
		trimToCount(cmds[0], newRead)
		got := delivered(cmds[0])
		tr.mu.Lock()
		newRead.got, newRead.err = got, cmds[0].Err()
		tr.emptyNew = newRead.id == ">" && (errors.Is(newRead.err, redis.Nil) || (newRead.err == nil && got == 0))
		tr.mu.Unlock()
	}
	return err
}

func (tr *trace) noteName(name string) {
	if name != "" && name != tr.consumer && !slices.Contains(tr.names, name) {
		tr.names = append(tr.names, name)
	}
}

// trimToCount keeps at most COUNT entries in the reply of a read of a
// consumer's pending entries (an ID other than '>'), as Redis does; the
// embedded broker gives them all.
func trimToCount(cmd redis.Cmder, r *read) {
	c, ok := cmd.(*redis.XStreamSliceCmd)
	if !ok || r.id == ">" || r.count <= 0 || c.Err() != nil {
		return
	}
	streams := c.Val()
	for i := range streams {
		if int64(len(streams[i].Messages)) > r.count {
			streams[i].Messages = streams[i].Messages[:r.count]
		}
	}
	c.SetVal(streams)
}

// failAll sets err on every command, as a failed round trip would.
func failAll(cmds []redis.Cmder, err error) error {
	for _, cmd := range cmds {
		cmd.SetErr(err)
	}
	return err
}

// delivered counts the entries of an XREADGROUP reply, also one sent with
// Do; -1 when it cannot tell.
func delivered(cmd redis.Cmder) int {
	switch c := cmd.(type) {
	case *redis.XStreamSliceCmd:
		return ex.Delivered(c)
	case *redis.Cmd:
		n := 0
		switch v := c.Val().(type) {
		case nil:
			return 0
		case map[any]any:
			for _, entries := range v {
				if e, ok := entries.([]any); ok {
					n += len(e)
				}
			}
		case []any:
			for _, s := range v {
				if pair, ok := s.([]any); ok && len(pair) == 2 {
					if e, ok := pair[1].([]any); ok {
						n += len(e)
					}
				}
			}
		default:
			return -1
		}
		return n
	}
	return -1
}

// claimPage is how many entries at most the test's XAUTOCLAIM answers
// hand out, whatever COUNT asked for.
const claimPage = 3

// autoclaim answers an XAUTOCLAIM of group1 as Redis 7 does, with COUNT
// lowered to claimPage: Redis looks at no more than 10 x COUNT pending
// entries per call, so a reply can hold fewer entries than COUNT, or none,
// with a cursor that is not 0-0 yet. The test claims with XPENDING and
// XCLAIM on its own client, so that both brokers answer alike. It reports
// false when it leaves the command to Redis.
func (tr *trace) autoclaim(ctx context.Context, cmd redis.Cmder) (bool, error) {
	args := cmd.Args()
	if len(args) < 6 || fmt.Sprint(args[1]) != stream || fmt.Sprint(args[2]) != group {
		return false, nil
	}
	switch cmd.(type) {
	case *redis.XAutoClaimCmd, *redis.XAutoClaimJustIDCmd, *redis.Cmd:
	default:
		return false, nil
	}
	consumer, start := fmt.Sprint(args[3]), fmt.Sprint(args[5])
	minIdle, err := strconv.ParseInt(fmt.Sprint(args[4]), 10, 64)
	if err != nil || minIdle < 0 {
		return false, nil
	}
	count, justID := int64(0), false
	for i := 6; i < len(args); i++ {
		switch strings.ToLower(fmt.Sprint(args[i])) {
		case "count":
			if i+1 < len(args) {
				count, _ = strconv.ParseInt(fmt.Sprint(args[i+1]), 10, 64)
				i++
			}
		case "justid":
			justID = true
		}
	}
	asked := count
	if asked == 0 {
		asked = 100
	}
	if asked < 0 {
		return false, nil
	}
	page := min(asked, claimPage)
	budget := 10 * page
	ps, err := tr.own.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: stream, Group: group, Start: start, End: "+", Count: budget + 1}).Result()
	if err != nil {
		return true, failAll([]redis.Cmder{cmd}, err)
	}
	cursor := "0-0"
	var ids []string
	for i, p := range ps[:min(int64(len(ps)), budget)] {
		if p.Idle.Milliseconds() < minIdle {
			continue
		}
		ids = append(ids, p.ID)
		if int64(len(ids)) == page {
			if i+1 < len(ps) {
				cursor = ps[i+1].ID
			}
			break
		}
	}
	if int64(len(ids)) < page && int64(len(ps)) > budget {
		cursor = ps[budget].ID
	}
	var msgs []redis.XMessage
	if len(ids) > 0 {
		a := &redis.XClaimArgs{Stream: stream, Group: group, Consumer: consumer, MinIdle: time.Duration(minIdle) * time.Millisecond, Messages: ids}
		if justID {
			ids, err = tr.own.XClaimJustID(ctx, a).Result()
		} else {
			msgs, err = tr.own.XClaim(ctx, a).Result()
		}
		if err != nil {
			return true, failAll([]redis.Cmder{cmd}, err)
		}
	}
	got := len(msgs)
	switch c := cmd.(type) {
	case *redis.XAutoClaimCmd:
		c.SetVal(msgs, cursor)
	case *redis.XAutoClaimJustIDCmd:
		c.SetVal(ids, cursor)
		got = len(ids)
	case *redis.Cmd:
		entries := []any{}
		if justID {
			for _, id := range ids {
				entries = append(entries, id)
			}
			got = len(ids)
		}
		for _, m := range msgs {
			var fields []any
			for _, k := range slices.Sorted(maps.Keys(m.Values)) {
				fields = append(fields, k, m.Values[k])
			}
			entries = append(entries, []any{m.ID, fields})
		}
		c.SetVal([]any{cursor, entries, []any{}})
	}
	tr.mu.Lock()
	tr.claims = append(tr.claims, claim{start: start, minIdle: minIdle, count: count, got: got, cursor: cursor})
	tr.mu.Unlock()
	return true, nil
}

// panicError is a panic in the learner's code, turned into an error so that
// the test can say where it happened.
type panicError struct {
	value any
	where string
}

func (p *panicError) Error() string { return fmt.Sprintf("panic: %v%s", p.value, p.where) }

// panicked turns a recovered value into a panicError, with the learner's
// line it happened on.
func panicked(v any) error {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
	for {
		f, more := frames.Next()
		dir := filepath.Base(filepath.Dir(f.File))
		if (dir == "exercise" || dir == "solutions" || dir == "mistakes" || dir == "variants") && !strings.HasSuffix(f.File, "_test.go") {
			return &panicError{v, fmt.Sprintf(" (at exercise/%s:%d)", filepath.Base(f.File), f.Line)}
		}
		if !more {
			return &panicError{value: v}
		}
	}
}

// call runs one call into the learner's code, with ex.Call's deadline; it
// returns errStopped at once when the test stops a runaway loop, and turns a
// panic into an error.
func (tr *trace) call(t *testing.T, env *ex.Env, what string, fn func(ctx context.Context) (int, error)) (int, error) {
	t.Helper()
	abort := tr.begin()
	type outcome struct {
		n   int
		err error
	}
	return ex.Call(t, env, what, ex.CallLimit, func(ctx context.Context) (int, error) {
		done := make(chan outcome, 1)
		go func() {
			defer func() {
				if v := recover(); v != nil {
					done <- outcome{err: panicked(v)}
				}
			}()
			n, err := fn(ctx)
			done <- outcome{n, err}
		}()
		select {
		case o := <-done:
			return o.n, o.err
		case <-abort:
			return 0, errStopped
		}
	})
}

// snapshot copies what the current call did.
func (tr *trace) snapshot() (handled, failed []string, calls map[string]int) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return slices.Clone(tr.handled), slices.Clone(tr.failed), maps.Clone(tr.calls)
}

// ---------------------------------------------------------------------------
// Fixtures and what Redis holds.

// seq returns n IDs that share the millisecond ms: ms-0, ms-1, ...
func seq(ms, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%d-%d", ms, i)
	}
	return ids
}

func cat(lists ...[]string) []string { return slices.Concat(lists...) }

// add appends entries with these IDs to the stream.
func add(t *testing.T, own *redis.Client, ids ...string) {
	t.Helper()
	for _, id := range ids {
		err := own.XAdd(context.Background(), &redis.XAddArgs{Stream: stream, ID: id, Values: []string{"user-a", "message " + id}}).Err()
		if err != nil {
			t.Fatal(err)
		}
	}
}

func createGroup(t *testing.T, own *redis.Client) {
	t.Helper()
	if err := own.XGroupCreateMkStream(context.Background(), stream, group, "0").Err(); err != nil {
		t.Fatal(err)
	}
}

// deliver gives the next n new entries to consumer, who does not ack them;
// with idle > 0 they look delivered that long ago (XCLAIM ... IDLE).
func deliver(t *testing.T, own *redis.Client, consumer string, n int, idle time.Duration) []string {
	t.Helper()
	ctx := context.Background()
	streams, err := own.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: group, Consumer: consumer, Streams: []string{stream, ">"}, Count: int64(n), Block: -1,
	}).Result()
	if err != nil || len(streams[0].Messages) != n {
		t.Fatalf("delivering %d entries to %s: %v %v", n, consumer, streams, err)
	}
	var ids []string
	for _, m := range streams[0].Messages {
		ids = append(ids, m.ID)
	}
	if idle > 0 {
		setIdle(t, own, consumer, idle, ids...)
	}
	return ids
}

// setIdle gives ids to consumer as if delivered idle ago.
func setIdle(t *testing.T, own *redis.Client, consumer string, idle time.Duration, ids ...string) {
	t.Helper()
	args := []any{"XCLAIM", stream, group, consumer, 0}
	for _, id := range ids {
		args = append(args, id)
	}
	args = append(args, "IDLE", idle.Milliseconds())
	if err := own.Do(context.Background(), args...).Err(); err != nil {
		t.Fatal(err)
	}
}

// owners maps each pending ID to the consumer that holds it.
func owners(t *testing.T, own *redis.Client) map[string]string {
	t.Helper()
	ps, err := own.XPendingExt(context.Background(), &redis.XPendingExtArgs{Stream: stream, Group: group, Start: "-", End: "+", Count: 1000}).Result()
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, p := range ps {
		m[p.ID] = p.Consumer
	}
	return m
}

// holdings writes a pending list as "consumer-1 holds 1-0…1-31 6-0;
// consumer-2 holds 2-0", consumers in order of name.
func holdings(pending map[string]string) string {
	if len(pending) == 0 {
		return lang.Pick("nothing pending", "pending 없음")
	}
	by := map[string][]string{}
	for id, c := range pending {
		by[c] = append(by[c], id)
	}
	var parts []string
	for _, c := range ex.SortedKeys(by) {
		ids := by[c]
		slices.SortFunc(ids, cmpID)
		parts = append(parts, lang.Pick(fmt.Sprintf("%s holds %s", c, short(ids)), fmt.Sprintf("%s 보유: %s", c, short(ids))))
	}
	return strings.Join(parts, "; ")
}

// short writes IDs, runs of the same millisecond as 1-0…1-31.
func short(ids []string) string {
	var out []string
	for i := 0; i < len(ids); {
		j := i
		for j+1 < len(ids) && next(ids[j], ids[j+1]) {
			j++
		}
		if j-i >= 2 {
			out = append(out, ids[i]+"…"+ids[j])
		} else {
			out = append(out, ids[i:j+1]...)
		}
		i = j + 1
	}
	if len(out) == 0 {
		return "-"
	}
	return strings.Join(out, " ")
}

func next(a, b string) bool {
	am, as, _ := strings.Cut(a, "-")
	bm, bs, _ := strings.Cut(b, "-")
	x, _ := strconv.Atoi(as)
	y, _ := strconv.Atoi(bs)
	return am == bm && y == x+1
}

func cmpID(a, b string) int {
	am, as, _ := strings.Cut(a, "-")
	bm, bs, _ := strings.Cut(b, "-")
	x, _ := strconv.ParseUint(am, 10, 64)
	y, _ := strconv.ParseUint(bm, 10, 64)
	if x != y {
		if x < y {
			return -1
		}
		return 1
	}
	p, _ := strconv.ParseUint(as, 10, 64)
	q, _ := strconv.ParseUint(bs, 10, 64)
	switch {
	case p < q:
		return -1
	case p > q:
		return 1
	}
	return 0
}

// ---------------------------------------------------------------------------
// Reports.

// outcome is one call and what came of it, for a report.
type outcome struct {
	t       *testing.T
	tr      *trace
	what    string // the call and its data, in the learner's language
	n       int
	err     error
	handled []string
	failed  []string
	calls   map[string]int
	before  map[string]string
	after   map[string]string
	want    string
	extra   string // more lines for got
}

func (o *outcome) got() string {
	var b strings.Builder
	b.WriteString(o.what + "\n")
	if o.err != nil {
		b.WriteString(lang.Pick("it returned: "+o.err.Error(), "반환한 오류: "+o.err.Error()))
		if errors.Is(o.err, errStopped) {
			b.WriteString(lang.Pick(": "+o.tr.stopEn, ": "+o.tr.stopKo))
		}
	} else {
		b.WriteString(lang.Pick(fmt.Sprintf("it returned %d and nil", o.n), fmt.Sprintf("반환값: %d, nil", o.n)))
	}
	b.WriteString("\n")
	if len(o.handled) == 0 {
		b.WriteString(lang.Pick("handle was never called", "handle 호출 없음"))
	} else {
		times := fmt.Sprintf("%d times", len(o.handled))
		if len(o.handled) == 1 {
			times = "once"
		}
		b.WriteString(lang.Pick(fmt.Sprintf("handle was called %s: %s", times, strings.Join(o.handled, " ")),
			fmt.Sprintf("handle 호출 %d번: %s", len(o.handled), strings.Join(o.handled, " "))))
	}
	if len(o.failed) > 0 {
		b.WriteString(lang.Pick(" (it failed for "+strings.Join(o.failed, " ")+")", " (실패한 엔트리: "+strings.Join(o.failed, " ")+")"))
	}
	b.WriteString("\n")
	b.WriteString(lang.Pick("pending before: ", "호출 전 pending: ") + holdings(o.before) + "\n")
	b.WriteString(lang.Pick("pending after:  ", "호출 뒤 pending: ") + holdings(o.after))
	if o.extra != "" {
		b.WriteString("\n" + o.extra)
	}
	return b.String()
}

func (o *outcome) fail(h string) {
	o.t.Helper()
	ex.Fatal(o.t, ex.Report{Want: o.want, Got: o.got(), Hint: h})
}

// firstDup returns the first ID handled more than once, or "".
func firstDup(handled []string) string {
	seen := map[string]bool{}
	for _, id := range handled {
		if seen[id] {
			return id
		}
		seen[id] = true
	}
	return ""
}

func isPrefix(short, long []string) bool {
	return len(short) <= len(long) && slices.Equal(short, long[:len(short)])
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.SortFunc(x, cmpID)
	slices.SortFunc(y, cmpID)
	return slices.Equal(x, y)
}

func anyIn(ids []string, set []string) string {
	for _, id := range ids {
		if slices.Contains(set, id) {
			return id
		}
	}
	return ""
}

// commonErrorHint explains an error the learner's code returned although
// it should not have, when the cause is one the three tasks share. It
// returns "" for the others.
// readClause is the clause about what to read; endClause the one about
// where to stop (redis.Nil, for the tasks that read with '>').
func commonErrorHint(o *outcome, task string, readClause, endClause int) string {
	err := o.err
	var pe *panicError
	switch {
	case errors.As(err, &pe) && task == "Recover":
		return hint(readClause, secGoal, "your code panicked: check err before you use a reply, and the length of a slice before you index it",
			"코드가 panic을 일으켰습니다. 응답을 쓰기 전에 err부터 확인하고, slice는 길이를 확인한 뒤에 인덱스로 꺼내세요")
	case errors.As(err, &pe):
		return hint(endClause, secGoal, "your code panicked: check err before you use the reply. A read that finds nothing answers redis.Nil and no streams at all, so streams[0] does not exist",
			"코드가 panic을 일으켰습니다. 응답을 쓰기 전에 err부터 확인하세요. 아무것도 찾지 못한 읽기는 redis.Nil과 함께 stream을 하나도 돌려주지 않으므로 streams[0]이 없습니다")
	case strings.Contains(err.Error(), "would wait forever"):
		return hint(endClause, secGoal, "go-redis sends BLOCK 0 (wait forever) for the zero value of Block: write Block: -1, so that a read that finds nothing answers at once",
			"Block을 비워 두면(0) go-redis가 BLOCK 0, 곧 영원히 기다리라는 명령을 보냅니다. 아무것도 없으면 바로 답하도록 Block: -1로 쓰세요")
	case strings.Contains(err.Error(), "BUSYGROUP"):
		return hint(readClause, secGoal, "group1 exists already (the test created it): "+task+" does not create it; a service that does at start treats BUSYGROUP as success",
			"group1은 테스트가 이미 만들었습니다. "+task+" 함수에서 그룹을 만들지 마세요. 시작할 때 그룹을 만드는 서비스라면 BUSYGROUP 오류를 성공으로 여깁니다")
	case strings.Contains(err.Error(), "NOGROUP"):
		return hint(readClause, secGoal, "Redis knows no such stream or group: use the constants stream and group (user-notifications, group1)",
			"그런 stream이나 그룹이 없다는 Redis의 답입니다. 상수 stream과 group(user-notifications, group1)을 쓰세요")
	case strings.Contains(err.Error(), "$ ID is meaningless") || o.tr.readWith("$"):
		return hint(readClause, secGoal, "'$' has no meaning in XREADGROUP: the ID '>' asks the group for the entries it never delivered to anyone",
			"XREADGROUP 명령에서 '$'는 뜻이 없습니다. 그룹이 아직 아무에게도 주지 않은 엔트리는 ID '>'로 받습니다")
	case (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)) && task == "Recover":
		return hint(readClause, secGoal, "Recover kept going until the test's deadline: stop when XAUTOCLAIM returns the cursor 0-0",
			"Recover 함수가 테스트의 제한 시간까지 끝나지 않았습니다. XAUTOCLAIM이 끝(0-0)을 뜻하는 커서를 돌려주면 멈추세요")
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		return hint(endClause, secGoal, task+" kept going until the test's deadline: stop as soon as a read finds nothing new; do not wait for more",
			task+" 함수가 테스트의 제한 시간까지 끝나지 않았습니다. 읽기가 새 엔트리를 하나도 찾지 못하면 바로 끝내고, 더 기다리지 마세요")
	}
	return ""
}

// readWith reports whether the current call read with this ID.
func (tr *trace) readWith(id string) bool {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	for _, r := range tr.reads {
		if r.id == id {
			return true
		}
	}
	return false
}

// readOther reports whether the current call read with an ID other than '>'.
func (tr *trace) readOther() bool {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	for _, r := range tr.reads {
		if r.id != ">" {
			return true
		}
	}
	return false
}

func (tr *trace) get() (names, ackedFirst []string, noack bool, reads []read, claims []claim, afterEmpty int) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return slices.Clone(tr.names), slices.Clone(tr.ackedFirst), tr.noack, slices.Clone(tr.reads), slices.Clone(tr.claims), tr.afterEmpty
}

// wrongName fails when the code used a consumer name other than the one it
// was given.
func wrongName(o *outcome, clause int, sec section) {
	o.t.Helper()
	names, _, _, _, _, _ := o.tr.get()
	if len(names) > 0 {
		o.fail(hint(clause, sec, fmt.Sprintf("use the consumer you are given (%q here) as the consumer's name; your code used %q", o.tr.consumer, names[0]),
			fmt.Sprintf("consumer 이름으로는 매개변수 consumer(여기서는 %q)를 쓰세요. 코드는 %q 이름을 썼습니다", o.tr.consumer, names[0])))
	}
}

// noFields fails when handle got an entry without the fields Redis holds
// for it; en and ko say where the code lost them.
func noFields(o *outcome, clause int, sec section, en, ko string) {
	o.t.Helper()
	o.tr.mu.Lock()
	bare := o.tr.bare
	o.tr.mu.Unlock()
	if bare == "" {
		return
	}
	id, _, _ := strings.Cut(bare, " ")
	o.fail(hint(clause, sec, fmt.Sprintf("handle got %s, but Redis holds %s user-a=%q: %s", bare, id, "message "+id, en),
		fmt.Sprintf("handle이 받은 엔트리는 %s인데, Redis에 있는 것은 %s user-a=%q입니다. %s", bare, id, "message "+id, ko)))
}

// waited fails when a read sent BLOCK: ConsumeBatch and Restart read what
// is there and never wait (the guard has refused BLOCK 0 already).
func waited(o *outcome, task string, sec section) {
	o.t.Helper()
	_, _, _, reads, _, _ := o.tr.get()
	for _, r := range reads {
		if r.block > 0 {
			o.fail(hint(2, sec, fmt.Sprintf("%s does not wait for entries to come, yet a read sent BLOCK %d: when nothing new waits, it waits that long for nothing. Write Block: -1, which sends no BLOCK, so that a read that finds nothing answers at once (Block: time.Second is for lesson 02's listener)", task, r.block),
				fmt.Sprintf("%s 함수는 엔트리가 들어오기를 기다리지 않는데, 읽기가 BLOCK %d 옵션을 보냈습니다. 새 엔트리가 없으면 그만큼 헛되이 기다립니다. BLOCK을 보내지 않는 Block: -1로 써서, 아무것도 없으면 읽기가 바로 답하게 하세요(Block: time.Second는 레슨 02의 리스너에 쓰는 값입니다)", task, r.block)))
		}
	}
}

// emptyAck fails when the code sent an XACK with no ID, as a batched XACK
// does when no handle returned nil.
func emptyAck(o *outcome, task string, sec section) {
	o.t.Helper()
	o.tr.mu.Lock()
	empty := o.tr.emptyAck
	o.tr.mu.Unlock()
	if empty {
		o.fail(hint(4, sec, fmt.Sprintf("%s sent an XACK with no ID, which Redis refuses: when no handle returned nil there is nothing to acknowledge, so send no XACK (if len(ids) > 0 { ... })", task),
			fmt.Sprintf("%s 함수가 ID 없는 XACK 명령을 보냈고, Redis는 이를 거절합니다. handle이 nil을 돌려준 엔트리가 하나도 없으면 ack할 것이 없으니 XACK을 보내지 마세요(if len(ids) > 0 { ... })", task)))
	}
}

// expectError checks a call during which the test made one command fail:
// the learner's code must return that error.
func expectError(o *outcome, clause int, sec section, cmd, task string) {
	o.t.Helper()
	switch {
	case isInjected(o.err):
		return
	case o.err == nil:
		o.fail(hint(clause, sec, fmt.Sprintf("%s answered an error, and %s returned nil: return that error (wrap it if you like), so that the caller knows the work is not done", cmd, task),
			fmt.Sprintf("%s 명령이 오류로 답했는데 %s 함수는 nil을 돌려주었습니다. 일이 끝나지 않았음을 호출한 쪽이 알 수 있게 그 오류를 돌려주세요(감싸도 됩니다)", cmd, task)))
	default:
		o.fail(hint(clause, sec, fmt.Sprintf("%s answered an error, and %s returned another one: return the error %s answered (wrap it with %%w if you like)", cmd, task, cmd),
			fmt.Sprintf("%s 명령이 오류로 답했는데 %s 함수는 다른 오류를 돌려주었습니다. %s 명령이 돌려준 오류를 돌려주세요(%%w로 감싸도 됩니다)", cmd, task, cmd)))
	}
}

// ---------------------------------------------------------------------------
// ConsumeBatch

func TestConsumeBatch(t *testing.T) {
	env := ex.Start(t)
	own := env.Client()
	const me = "consumer-7"
	// Delivered earlier and never acked: 1-0 and 1-1 to consumer-2, which is
	// at work on them; 1-2 to consumer-7 itself, whose handle failed on it.
	add(t, own, seq(1, 3)...)
	createGroup(t, own)
	deliver(t, own, "consumer-2", 2, 0)
	deliver(t, own, me, 1, 0)
	old := seq(1, 3)

	tr := newTrace(me)
	rdb := env.Learner(tr.hook)
	run := func(what string, want string) *outcome {
		t.Helper()
		before := owners(t, own)
		n, err := tr.call(t, env, "ConsumeBatch", func(ctx context.Context) (int, error) {
			return ConsumeBatch(ctx, rdb, me, tr.handle)
		})
		ex.StopIfNotStarted(t, err, ConsumeBatch)
		handled, failed, calls := tr.snapshot()
		o := &outcome{t: t, tr: tr, what: what, want: want, n: n, err: err, handled: handled, failed: failed, calls: calls, before: before, after: owners(t, own)}
		waited(o, "ConsumeBatch", secGoal)
		emptyAck(o, "ConsumeBatch", secGoal)
		noFields(o, 1, secGoal, "give handle each entry as XREADGROUP replied it, fields and all",
			"XREADGROUP 명령이 돌려준 엔트리를 필드까지 그대로 handle에 넘기세요")
		return o
	}

	// 1. Nothing new waits.
	o := run(lang.Pick(`ConsumeBatch(ctx, rdb, "consumer-7", handle), 1st call: nothing new waits (1-0…1-2 were delivered before)`,
		`ConsumeBatch(ctx, rdb, "consumer-7", handle) 첫 호출: 새 엔트리 없음(1-0…1-2: 이미 전달됨)`),
		lang.Pick("nothing new: ConsumeBatch returns 0 and nil, handle is not called, the pending list stays as it was",
			"새 엔트리 없음: ConsumeBatch는 0, nil을 반환하고, handle은 불리지 않으며, pending 목록은 그대로"))
	consumeQuiet(o, old)

	// 2. 13 new entries wait, more than COUNT; handle fails once for 5-2.
	news := cat(seq(5, 7), seq(6, 6))
	add(t, own, news...)
	tr.failOnce["5-2"] = true
	o = run(lang.Pick(`2nd call: 13 new entries wait (5-0…5-6 6-0…6-5); handle fails once for 5-2`,
		`두 번째 호출: 새 엔트리 13개(5-0…5-6 6-0…6-5)가 기다림. handle은 5-2 엔트리에서 한 번 실패`),
		lang.Pick("handle called once for each of the 10 oldest new entries, 5-0…5-6 6-0…6-2, in order; all acked but 5-2, which stays pending under consumer-7; 6-3…6-5 still undelivered; ConsumeBatch returns 9 and nil",
			"가장 오래된 새 엔트리 10개(5-0…5-6 6-0…6-2)에 대해 차례로 한 번씩 handle 호출. 5-2 엔트리만 빼고 모두 ack하고, 그 엔트리는 consumer-7 이름으로 pending에 남음. 6-3…6-5 엔트리는 아직 전달되지 않음. ConsumeBatch는 9, nil을 반환"))
	consumeBatch(o, news[:10], "5-2", old, 9,
		map[string]string{"1-0": "consumer-2", "1-1": "consumer-2", "1-2": me, "5-2": me})

	// 3. The same stream again: the three left over.
	o = run(lang.Pick(`3rd call, over the same stream: 6-3…6-5 are left; 5-2 is pending under consumer-7`,
		`세 번째 호출, 같은 stream: 6-3…6-5 엔트리가 남아 있고, 5-2 엔트리는 consumer-7 이름으로 pending`),
		lang.Pick("handle called once for 6-3, 6-4 and 6-5, in order, all three acked; ConsumeBatch returns 3 and nil; 5-2 stays pending (ConsumeBatch reads only new entries)",
			"6-3, 6-4, 6-5 엔트리에 대해 차례로 한 번씩 handle 호출, 셋 다 ack. ConsumeBatch는 3, nil을 반환. 5-2 엔트리는 pending에 그대로(ConsumeBatch는 새 엔트리만 읽음)"))
	consumeBatch(o, news[10:], "", cat(old, news[:10]), 3,
		map[string]string{"1-0": "consumer-2", "1-1": "consumer-2", "1-2": me, "5-2": me})

	// 4. Quiet again, after entries came.
	o = run(lang.Pick(`4th call: nothing new waits any more`, `네 번째 호출: 새 엔트리가 더는 없음`),
		lang.Pick("nothing new: ConsumeBatch returns 0 and nil, handle is not called", "새 엔트리 없음: ConsumeBatch는 0, nil을 반환하고 handle은 불리지 않음"))
	consumeQuiet(o, cat(old, news))

	// 5. One new entry, whose handle fails: nothing to acknowledge.
	add(t, own, "8-0")
	tr.failOnce["8-0"] = true
	o = run(lang.Pick(`5th call: 8-0 is new, the only one; handle fails once for it`,
		`다섯 번째 호출: 8-0 엔트리 하나만 새로 들어옴. handle은 그 엔트리에서 한 번 실패`),
		lang.Pick("handle called once, for 8-0; nothing acked, 8-0 stays pending under consumer-7; ConsumeBatch returns 0 and nil",
			"8-0 엔트리에 대해 handle 한 번 호출. ack한 것이 없고, 8-0 엔트리는 consumer-7 이름으로 pending에 남음. ConsumeBatch는 0, nil을 반환"))
	consumeBatch(o, []string{"8-0"}, "8-0", cat(old, news), 0,
		map[string]string{"1-0": "consumer-2", "1-1": "consumer-2", "1-2": me, "5-2": me, "8-0": me})

	// 6. One XACK answers an error.
	add(t, own, seq(9, 2)...)
	tr.failCmd = "xack"
	o = run(lang.Pick(`6th call: 9-0 and 9-1 are new; the first XACK answers an error (the connection is fine)`,
		`여섯 번째 호출: 9-0, 9-1 엔트리가 새로 들어옴. 첫 XACK 명령은 오류로 답함(연결은 멀쩡함)`),
		lang.Pick("ConsumeBatch returns the error XACK answered", "ConsumeBatch는 XACK 명령이 돌려준 오류를 반환"))
	if o.err != nil && !isInjected(o.err) {
		consumeError(o)
	}
	expectError(o, 6, secGoal, "XACK", "ConsumeBatch")

	// 7. The read answers an error.
	add(t, own, "10-0")
	tr.failCmd = "xreadgroup"
	o = run(lang.Pick(`7th call: 10-0 is new; XREADGROUP answers an error (not redis.Nil; the connection is fine)`,
		`일곱 번째 호출: 10-0 엔트리가 새로 들어옴. XREADGROUP 명령은 오류로 답함(redis.Nil이 아님, 연결은 멀쩡함)`),
		lang.Pick("ConsumeBatch returns the error XREADGROUP answered", "ConsumeBatch는 XREADGROUP 명령이 돌려준 오류를 반환"))
	expectError(o, 6, secGoal, "XREADGROUP", "ConsumeBatch")

	ex.Lesson(t, lang.Pick("a group hands each new entry ('>') out once; an entry acked only after its handle succeeded can never be lost, and one whose handle failed waits in the pending list",
		"그룹은 새 엔트리('>')를 한 번만 내준다. handle이 성공한 뒤에만 ack하면 엔트리를 잃지 않고, handle이 실패한 엔트리는 pending 목록에서 기다린다"))
}

// consumeError explains an error ConsumeBatch returned when Redis answered
// every command.
func consumeError(o *outcome) {
	o.t.Helper()
	if h := commonErrorHint(o, "ConsumeBatch", 1, 2); h != "" {
		o.fail(h)
	}
	switch {
	case errors.Is(o.err, redis.Nil):
		o.fail(hint(2, secGoal, "redis.Nil is how XREADGROUP says that nothing new waits: return 0 and nil, not the error",
			"redis.Nil은 새 엔트리가 없다는 XREADGROUP의 답입니다. 오류로 돌려주지 말고 0, nil을 반환하세요"))
	case errors.Is(o.err, errHandle) || strings.Contains(o.err.Error(), errHandle.Error()):
		o.fail(hint(4, secGoal, "a handle that fails is not ConsumeBatch's failure: leave that entry pending (no XACK), go on with the next entries, and return nil",
			"handle의 실패는 ConsumeBatch의 실패가 아닙니다. 그 엔트리는 ack하지 말고 pending에 남겨 둔 채 다음 엔트리로 넘어가고, nil을 반환하세요"))
	case errors.Is(o.err, errStopped):
		consumeRunaway(o, o.tr.runaway)
	}
	o.fail(hint(6, secGoal, "ConsumeBatch returned an error although Redis answered every command: return an error only when XREADGROUP or XACK answers one",
		"Redis가 모든 명령에 정상으로 답했는데 ConsumeBatch가 오류를 돌려주었습니다. XREADGROUP이나 XACK 명령이 오류로 답할 때만 오류를 돌려주세요"))
}

func consumeRunaway(o *outcome, kind string) {
	o.t.Helper()
	if kind == "waits" {
		o.fail(hint(2, secGoal, "ConsumeBatch does not wait for entries to come: one read with Block: -1, and when it finds nothing, return 0 and nil",
			"ConsumeBatch는 엔트리가 들어오기를 기다리지 않습니다. Block: -1로 한 번 읽고, 아무것도 없으면 0, nil을 반환하세요"))
	}
	if kind == "handle" {
		o.fail(hint(4, secGoal, "an entry whose handle failed is not tried again in this call: leave it pending (no XACK) and go on with the next entries; it will be tried again later, by a restart or by XAUTOCLAIM",
			"handle이 실패한 엔트리는 이번 호출에서 다시 시도하지 않습니다. ack하지 말고 pending에 남겨 둔 채 다음 엔트리로 넘어가세요. 나중에 재시작이나 XAUTOCLAIM으로 다시 시도됩니다"))
	}
	o.fail(hint(1, secGoal, "one call reads one batch: XREADGROUP ... COUNT 10 ... >, once, not again and again",
		"호출 한 번에 배치 하나만 읽습니다. XREADGROUP ... COUNT 10 ... > 명령을 한 번 보내고, 되풀이하지 마세요"))
}

// consumeQuiet checks a call when nothing new waits.
func consumeQuiet(o *outcome, delivered []string) {
	o.t.Helper()
	if o.err != nil {
		consumeError(o)
	}
	wrongName(o, 1, secGoal)
	if len(o.handled) > 0 {
		consumeStray(o, delivered)
		o.fail(hint(1, secGoal, "nothing new waits, yet handle was called: read only the entries never delivered to the group, XREADGROUP ... STREAMS user-notifications >",
			"새 엔트리가 없는데 handle이 불렸습니다. 그룹이 아직 아무에게도 주지 않은 엔트리만 읽으세요: XREADGROUP ... STREAMS user-notifications >"))
	}
	if !maps2Equal(o.before, o.after) {
		o.fail(hint(1, secGoal, "nothing new waits, yet the pending list changed: ConsumeBatch touches only the entries it reads with '>'",
			"새 엔트리가 없는데 pending 목록이 바뀌었습니다. ConsumeBatch는 '>'로 읽은 엔트리만 다룹니다"))
	}
	if o.n != 0 {
		o.fail(hint(5, secGoal, "it acknowledged nothing, so it returns 0", "아무것도 ack하지 않았으니 0을 반환합니다"))
	}
}

// consumeStray fails when handle saw an entry delivered before this call.
func consumeStray(o *outcome, delivered []string) {
	o.t.Helper()
	id := anyIn(o.handled, delivered)
	if id == "" {
		return
	}
	owner := o.before[id]
	switch {
	case owner == o.tr.consumer && o.tr.readOther():
		o.fail(hint(1, secGoal, fmt.Sprintf("'>' asks the group for entries never delivered to anyone; with 0 (or any other ID) XREADGROUP gives back consumer's own pending entries instead, here %s. Read with Streams: []string{stream, \">\"}", id),
			fmt.Sprintf("그룹이 아직 아무에게도 주지 않은 엔트리는 ID '>'로 받습니다. 0이나 다른 ID로 읽으면 XREADGROUP 명령은 consumer 자신의 pending 엔트리(여기서는 %s)를 다시 줍니다. Streams: []string{stream, \">\"}처럼 읽으세요", id)))
	case owner != "" && owner != o.tr.consumer:
		o.fail(hint(1, secGoal, fmt.Sprintf("%s belongs to %s, which is still at work on it: read only the entries never delivered to the group, XREADGROUP ... STREAMS user-notifications > (not XREAD, XRANGE or a claim)", id, owner),
			fmt.Sprintf("이 엔트리(%s)는 %s 이름으로 pending이고, 그 consumer는 아직 처리 중입니다. 그룹이 아직 아무에게도 주지 않은 엔트리만 읽으세요: XREADGROUP ... STREAMS user-notifications >(XREAD, XRANGE나 claim이 아님)", id, owner)))
	default:
		o.fail(hint(1, secGoal, fmt.Sprintf("%s was delivered before this call: ConsumeBatch reads only new entries, XREADGROUP ... STREAMS user-notifications >", id),
			fmt.Sprintf("이 엔트리(%s)는 이번 호출 전에 이미 전달되었습니다. ConsumeBatch는 새 엔트리만 읽습니다: XREADGROUP ... STREAMS user-notifications >", id)))
	}
}

func maps2Equal(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// consumeBatch checks a call that must handle want, with handle failing
// once for failing ("" for none); delivered lists the entries the group
// had handed out before the call.
func consumeBatch(o *outcome, want []string, failing string, delivered []string, acked int, pending map[string]string) {
	o.t.Helper()
	if o.err != nil {
		consumeError(o)
	}
	wrongName(o, 1, secGoal)
	consumeStray(o, delivered)
	if d := firstDup(o.handled); d != "" {
		if d == failing || slices.Contains(o.failed, d) {
			consumeRunaway(o, "handle")
		}
		o.fail(hint(1, secGoal, fmt.Sprintf("handle was called more than once for %s: call it once for each entry the read gave you", d),
			fmt.Sprintf("엔트리 하나(%s)에 대해 handle이 두 번 이상 불렸습니다. 읽어 온 엔트리마다 한 번씩만 부르세요", d)))
	}
	switch {
	case slices.Equal(o.handled, want):
	case len(o.handled) > len(want) && isPrefix(want, o.handled):
		o.fail(hint(1, secGoal, fmt.Sprintf("handle saw %d entries: read COUNT 10 (Count: 10), so that the entries after the tenth wait for the next call", len(o.handled)),
			fmt.Sprintf("handle이 %d개를 받았습니다. COUNT 10(Count: 10)으로 읽어서 열한 번째부터는 다음 호출을 기다리게 하세요", len(o.handled))))
	case len(o.handled) < len(want) && isPrefix(o.handled, want) && len(o.handled) > 0 && o.handled[len(o.handled)-1] == failing:
		o.fail(hint(4, secGoal, fmt.Sprintf("handle failed for %s and ConsumeBatch stopped there: leave that entry pending (no XACK) and go on with the next entries", failing),
			fmt.Sprintf("엔트리 하나(%s)에서 handle이 실패하자 ConsumeBatch가 거기서 멈췄습니다. 그 엔트리는 ack하지 말고 pending에 남겨 둔 채 다음 엔트리로 넘어가세요", failing)))
	case len(o.handled) < len(want) && isPrefix(o.handled, want):
		o.fail(hint(1, secGoal, fmt.Sprintf("handle saw %d of the %d oldest new entries: read with COUNT 10 (Count: 10); a read gives at most COUNT entries", len(o.handled), len(want)),
			fmt.Sprintf("가장 오래된 새 엔트리 %d개 가운데 handle이 받은 것은 %d개입니다. COUNT 10(Count: 10)으로 읽으세요. 읽기 한 번은 많아야 COUNT개를 줍니다", len(want), len(o.handled))))
	case sameSet(o.handled, want):
		o.fail(hint(1, secGoal, "call handle in the order XREADGROUP gives the entries: oldest first",
			"XREADGROUP 명령이 준 순서대로, 가장 오래된 엔트리부터 handle을 부르세요"))
	default:
		o.fail(hint(1, secGoal, fmt.Sprintf("handle must see the %d oldest entries never delivered to the group, in order: XREADGROUP GROUP group1 <consumer> COUNT 10 STREAMS user-notifications >", len(want)),
			fmt.Sprintf("handle은 그룹이 아직 아무에게도 주지 않은 가장 오래된 엔트리 %d개를 차례로 받아야 합니다: XREADGROUP GROUP group1 <consumer> COUNT 10 STREAMS user-notifications >", len(want))))
	}
	_, ackedFirst, noack, _, _, _ := o.tr.get()
	if failing != "" && o.after[failing] != o.tr.consumer {
		switch {
		case noack:
			o.fail(hint(4, secLose, "NOACK acknowledges each entry the moment it is delivered, so the one whose handle failed is lost: read without NoAck, and XACK after handle returned nil",
				"NOACK은 전달하는 순간 ack된 것으로 치므로 handle이 실패한 엔트리를 잃습니다. NoAck 없이 읽고, handle이 nil을 돌려준 뒤에 XACK하세요"))
		case slices.Contains(ackedFirst, failing):
			o.fail(hint(3, secLose, "acknowledge after handle returned nil, never before: an entry acked before its handle failed leaves the pending list, and nobody will try it again",
				"handle이 nil을 돌려준 뒤에 ack하세요. 먼저 ack하면 handle이 실패해도 엔트리가 pending 목록에서 빠져서, 아무도 다시 시도하지 않습니다"))
		default:
			o.fail(hint(4, secLose, fmt.Sprintf("acknowledge only after handle returned nil: %s, whose handle failed, was acked, so it left the pending list and nobody will try it again", failing),
				fmt.Sprintf("handle이 nil을 돌려준 엔트리만 ack하세요. handle이 실패한 엔트리(%s)까지 ack해서 pending 목록에서 빠졌고, 이제 아무도 다시 시도하지 않습니다", failing)))
		}
	}
	if len(ackedFirst) > 0 {
		o.fail(hint(3, secLose, fmt.Sprintf("%s was acked before handle saw it: acknowledge after handle returned nil, never before", ackedFirst[0]),
			fmt.Sprintf("엔트리 하나(%s)를 handle이 받기도 전에 ack했습니다. handle이 nil을 돌려준 뒤에 ack하세요", ackedFirst[0])))
	}
	var stillPending []string
	for _, id := range want {
		if id != failing && o.after[id] != "" {
			stillPending = append(stillPending, id)
		}
	}
	if len(stillPending) > 0 {
		o.fail(hint(3, secGoal, fmt.Sprintf("%s stayed pending although its handle returned nil: XACK user-notifications group1 <id> for each entry whose handle returned nil", short(stillPending)),
			fmt.Sprintf("handle이 nil을 돌려주었는데도 pending에 남았습니다(%s). handle이 nil을 돌려준 엔트리마다 XACK user-notifications group1 <id>", short(stillPending))))
	}
	if !maps2Equal(o.after, pending) {
		var extra []string
		for id := range o.after {
			if pending[id] == "" {
				extra = append(extra, id)
			}
		}
		slices.SortFunc(extra, cmpID)
		if len(extra) > 0 {
			o.fail(hint(1, secGoal, fmt.Sprintf("%s were delivered to consumer-7 but not handled: read COUNT 10, and handle every entry the read gives you", short(extra)),
				fmt.Sprintf("consumer-7 이름으로 전달되었지만 처리되지 않은 엔트리가 있습니다(%s). COUNT 10으로 읽고, 읽어 온 엔트리는 모두 handle에 넘기세요", short(extra))))
		}
		o.fail(hint(1, secGoal, "the pending list is not what it should be: touch only the entries you read with '>'",
			"pending 목록이 기대와 다릅니다. '>'로 읽은 엔트리만 다루세요"))
	}
	if o.n != acked {
		if o.n == len(o.handled) && o.n != acked {
			o.fail(hint(5, secGoal, fmt.Sprintf("it returned %d, the entries it read; return how many it acknowledged, %d here (not the one whose handle failed)", o.n, acked),
				fmt.Sprintf("읽은 엔트리 수(%d)를 반환했습니다. ack한 엔트리 수를 반환하세요. 여기서는 %d(handle이 실패한 것은 빼고)", o.n, acked)))
		}
		o.fail(hint(5, secGoal, fmt.Sprintf("return how many entries it acknowledged: %d here, not %d", acked, o.n),
			fmt.Sprintf("ack한 엔트리 수를 반환하세요. 여기서는 %d입니다(반환값 %d)", acked, o.n)))
	}
}

// without returns the IDs of all that are not in some.
func without(all, some []string) []string {
	return slices.DeleteFunc(slices.Clone(all), func(id string) bool { return slices.Contains(some, id) })
}

// ---------------------------------------------------------------------------
// Recover

func TestRecover(t *testing.T) {
	env := ex.Start(t)
	own := env.Client()
	const me, minIdle = "rescuer", 2 * time.Minute
	// The pending list, in ID order: first 32 entries consumer-1 read just
	// now, more than XAUTOCLAIM looks at in one call; then the entries of
	// consumer-2, dead an hour ago; consumer-3's, slow but alive (90 s, less
	// than minIdle); consumer-4's, dead 3 minutes ago (more than minIdle);
	// consumer-2's again; and one more of consumer-1.
	fresh1, dead2, slow3, dead4, dead2b, fresh6 := seq(1, 32), seq(2, 7), seq(3, 2), seq(4, 4), seq(5, 2), seq(6, 1)
	add(t, own, cat(fresh1, dead2, slow3, dead4, dead2b, fresh6)...)
	createGroup(t, own)
	deliver(t, own, "consumer-1", len(fresh1), 0)
	deliver(t, own, "consumer-2", len(dead2), time.Hour)
	deliver(t, own, "consumer-3", len(slow3), 90*time.Second)
	deliver(t, own, "consumer-4", len(dead4), 3*time.Minute)
	deliver(t, own, "consumer-2", len(dead2b), time.Hour)
	deliver(t, own, "consumer-1", len(fresh6), 0)
	stale := cat(dead2, dead4, dead2b)
	young := cat(fresh1, slow3, fresh6)
	idles := lang.Pick("idle: consumer-1's less than a second, consumer-2's 1h, consumer-3's 90s, consumer-4's 3m",
		"방치 시간: consumer-1 1초 미만, consumer-2 1시간, consumer-3 90초, consumer-4 3분")

	tr := newTrace(me)
	tr.own = own
	rdb := env.Learner(tr.hook)
	run := func(what, want string) *outcome {
		t.Helper()
		before := owners(t, own)
		n, err := tr.call(t, env, "Recover", func(ctx context.Context) (int, error) {
			return Recover(ctx, rdb, me, minIdle, tr.handle)
		})
		ex.StopIfNotStarted(t, err, Recover)
		handled, failed, calls := tr.snapshot()
		o := &outcome{t: t, tr: tr, what: what, want: want, n: n, err: err, handled: handled, failed: failed, calls: calls, before: before, after: owners(t, own)}
		o.extra = claimsLine(tr)
		noFields(o, 1, secGoal, "XAUTOCLAIM with JUSTID replies with the IDs only: leave JUSTID out (rdb.XAutoClaim, not XAutoClaimJustID), so that each claimed entry comes with its fields",
			"JUSTID를 붙인 XAUTOCLAIM은 ID만 돌려줍니다. JUSTID 없이 보내서(XAutoClaimJustID가 아니라 rdb.XAutoClaim) 넘겨받은 엔트리가 필드까지 오게 하세요")
		return o
	}

	// 1. Entries idle long enough, over many XAUTOCLAIM pages; handle fails
	// once for 4-1.
	tr.failOnce["4-1"] = true
	o := run(lang.Pick(`Recover(ctx, rdb, "rescuer", 2*time.Minute, handle), 1st call; `+idles+"; handle fails once for 4-1",
		`Recover(ctx, rdb, "rescuer", 2*time.Minute, handle) 첫 호출. `+idles+". handle은 4-1 엔트리에서 한 번 실패"),
		lang.Pick("the rescuer handles, in order and once each, the 13 entries idle 2m or more (2-0…2-6 4-0…4-3 5-0 5-1) and acks them but 4-1, which stays pending under rescuer; the entries of consumer-1 and consumer-3 stay with them; Recover returns 12 and nil",
			"2분 이상 방치된 엔트리 13개(2-0…2-6 4-0…4-3 5-0 5-1)를 rescuer 이름으로 넘겨받아 차례로 한 번씩 처리하고, 4-1 엔트리만 빼고 ack. 그 엔트리는 rescuer 이름으로 pending에 남음. consumer-1, consumer-3 이름의 엔트리는 그대로. Recover는 12, nil을 반환"))
	pending := map[string]string{"4-1": me}
	for _, id := range young {
		pending[id] = o.before[id]
	}
	recoverCheck(o, stale, young, "4-1", 12, pending, minIdle)

	// 2. The same pending list again: nothing is idle long enough now.
	o = run(lang.Pick(`2nd call, the same minIdle: nothing is idle 2m now (4-1 was claimed a moment ago)`,
		`두 번째 호출, 같은 minIdle: 이제 2분 넘게 방치된 엔트리가 없음(4-1 엔트리는 방금 넘겨받음)`),
		lang.Pick("nothing to take over: Recover returns 0 and nil, handle is not called, the pending list stays as it was",
			"넘겨받을 것이 없음: Recover는 0, nil을 반환하고, handle은 불리지 않으며, pending 목록은 그대로"))
	recoverCheck(o, nil, cat(young, []string{"4-1"}), "", 0, o.before, minIdle)

	// 3. One XACK answers an error.
	setIdle(t, own, "consumer-4", time.Hour, "4-1")
	tr.failCmd = "xack"
	o = run(lang.Pick(`3rd call: 4-1 is idle 1h again, under consumer-4; the first XACK answers an error (the connection is fine)`,
		`세 번째 호출: 4-1 엔트리가 다시 consumer-4 이름으로 1시간 방치됨. 첫 XACK 명령은 오류로 답함(연결은 멀쩡함)`),
		lang.Pick("Recover returns the error XACK answered", "Recover는 XACK 명령이 돌려준 오류를 반환"))
	if o.err != nil && !isInjected(o.err) {
		recoverError(o)
	}
	expectError(o, 6, secGoal, "XACK", "Recover")

	// 4. XAUTOCLAIM answers an error.
	setIdle(t, own, "consumer-4", time.Hour, "4-1")
	tr.failCmd = "xautoclaim"
	o = run(lang.Pick(`4th call: 4-1 is idle 1h again; XAUTOCLAIM answers an error (the connection is fine)`,
		`네 번째 호출: 4-1 엔트리가 다시 1시간 방치됨. XAUTOCLAIM 명령은 오류로 답함(연결은 멀쩡함)`),
		lang.Pick("Recover returns the error XAUTOCLAIM answered", "Recover는 XAUTOCLAIM 명령이 돌려준 오류를 반환"))
	if tr.failCmd != "" {
		t.Log("no XAUTOCLAIM was sent: the check of its error is skipped")
	} else {
		expectError(o, 6, secGoal, "XAUTOCLAIM", "Recover")
	}

	ex.Lesson(t, lang.Pick("XAUTOCLAIM takes over what dead consumers held, page by page until the cursor is 0-0, and leaves alone what live ones are working on",
		"XAUTOCLAIM은 죽은 consumer가 들고 있던 엔트리를 커서가 끝(0-0)에 이를 때까지 한 쪽씩 넘겨받고, 살아 있는 consumer가 처리 중인 엔트리는 건드리지 않는다"))
}

// claimsLine shows the XAUTOCLAIM calls of the current call and the test's
// answers.
func claimsLine(tr *trace) string {
	_, _, _, _, claims, _ := tr.get()
	if len(claims) == 0 {
		return lang.Pick("no XAUTOCLAIM was sent", "XAUTOCLAIM 명령을 보내지 않음")
	}
	var parts []string
	for i, c := range claims {
		if i == 8 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, lang.Pick(fmt.Sprintf("from %s: %d entries, cursor %s", c.start, c.got, c.cursor),
			fmt.Sprintf("시작 %s: 엔트리 %d개, 커서 %s", c.start, c.got, c.cursor)))
	}
	return lang.Pick(fmt.Sprintf("XAUTOCLAIM calls (%d; the test answers at most %d entries a call): ", len(claims), claimPage),
		fmt.Sprintf("XAUTOCLAIM 호출(%d번, 테스트는 한 번에 많아야 %d개를 내줌): ", len(claims), claimPage)) + strings.Join(parts, "; ")
}

// recoverError explains an error Recover returned when Redis answered
// every command.
func recoverError(o *outcome) {
	o.t.Helper()
	if h := commonErrorHint(o, "Recover", 1, 1); h != "" {
		o.fail(h)
	}
	switch {
	case errors.Is(o.err, errHandle) || strings.Contains(o.err.Error(), errHandle.Error()):
		o.fail(hint(4, secGoal, "a handle that fails is not Recover's failure: leave that entry pending (no XACK), go on with the others, and return nil",
			"handle의 실패는 Recover의 실패가 아닙니다. 그 엔트리는 ack하지 말고 pending에 남겨 둔 채 나머지로 넘어가고, nil을 반환하세요"))
	case errors.Is(o.err, errStopped) && o.tr.runaway == "handle":
		o.fail(hint(4, secGoal, "an entry whose handle failed is not tried again in this call: leave it pending (no XACK) and go on; once idle long enough, a later Recover claims it again",
			"handle이 실패한 엔트리는 이번 호출에서 다시 시도하지 않습니다. ack하지 말고 pending에 남겨 둔 채 넘어가세요. 충분히 방치되면 다음 Recover가 다시 넘겨받습니다"))
	case errors.Is(o.err, errStopped):
		o.fail(hint(1, secGoal, "call XAUTOCLAIM again from the cursor the last reply returned (its Start), not from 0-0 again, and stop when that cursor is 0-0",
			"XAUTOCLAIM을 다시 부를 때는 처음(0-0)부터가 아니라 앞선 응답이 돌려준 커서부터(Start) 부르고, 커서가 끝(0-0)을 가리키면 멈추세요"))
	}
	o.fail(hint(6, secGoal, "Recover returned an error although Redis answered every command: return an error only when XAUTOCLAIM or XACK answers one",
		"Redis가 모든 명령에 정상으로 답했는데 Recover가 오류를 돌려주었습니다. XAUTOCLAIM이나 XACK 명령이 오류로 답할 때만 오류를 돌려주세요"))
}

// recoverCheck checks a Recover call: stale must be handled and acked but
// failing, young must stay with their owners.
func recoverCheck(o *outcome, stale, young []string, failing string, acked int, pending map[string]string, minIdle time.Duration) {
	o.t.Helper()
	if o.err != nil {
		recoverError(o)
	}
	wrongName(o, 1, secGoal)
	_, ackedFirst, _, _, claims, _ := o.tr.get()
	ms := minIdle.Milliseconds()
	var idleArgs []int64
	for _, c := range claims {
		if c.minIdle != ms && !slices.Contains(idleArgs, c.minIdle) {
			idleArgs = append(idleArgs, c.minIdle)
		}
	}
	// Clause 2: entries that were not idle long enough stay with their owners.
	var taken []string
	for _, id := range young {
		if slices.Contains(o.handled, id) || o.after[id] != o.before[id] {
			taken = append(taken, id)
		}
	}
	if len(taken) > 0 {
		owner := o.before[taken[0]]
		if len(idleArgs) > 0 && idleArgs[0] < ms {
			o.fail(hint(2, secTry, fmt.Sprintf("%s, pending under %s for less than minIdle, was taken: your XAUTOCLAIM asked for %d ms of idle time; pass minIdle itself (MinIdle: minIdle, %d ms here), never 0 or a duration of your own", taken[0], owner, idleArgs[0], ms),
				fmt.Sprintf("%s 이름으로 minIdle보다 짧게 방치된 엔트리(%s)까지 가져왔습니다. XAUTOCLAIM 명령의 최소 방치 시간이 %d ms였습니다. 0이나 따로 정한 값이 아니라 minIdle을 그대로 주세요(MinIdle: minIdle, 여기서는 %d ms)", owner, taken[0], idleArgs[0], ms)))
		}
		o.fail(hint(2, secTry, fmt.Sprintf("%s belongs to %s, which is still at work on it (pending for less than minIdle): take only entries idle for minIdle or more, XAUTOCLAIM with MinIdle: minIdle", taken[0], owner),
			fmt.Sprintf("이 엔트리(%s)는 %s 이름으로 pending이고, 그 consumer는 아직 처리 중입니다(방치 시간이 minIdle보다 짧음). minIdle 이상 방치된 엔트리만 가져오세요: XAUTOCLAIM에 MinIdle: minIdle", taken[0], owner)))
	}
	// Clause 1: every stale entry, once, in order.
	if d := firstDup(o.handled); d != "" {
		if slices.Contains(o.failed, d) {
			o.fail(hint(4, secGoal, fmt.Sprintf("handle was called again for %s after it failed: leave that entry pending (no XACK) and go on with the others; a later Recover will claim it again", d),
				fmt.Sprintf("실패한 엔트리(%s)에 대해 handle을 다시 불렀습니다. ack하지 말고 pending에 남겨 둔 채 나머지로 넘어가세요. 나중의 Recover가 다시 넘겨받습니다", d)))
		}
		o.fail(hint(1, secGoal, fmt.Sprintf("handle was called more than once for %s: call it once for each entry XAUTOCLAIM gave you", d),
			fmt.Sprintf("엔트리 하나(%s)에 대해 handle이 두 번 이상 불렸습니다. XAUTOCLAIM이 준 엔트리마다 한 번씩만 부르세요", d)))
	}
	var missed []string
	for _, id := range stale {
		if !slices.Contains(o.handled, id) {
			missed = append(missed, id)
		}
	}
	if len(missed) > 0 {
		var last claim
		if len(claims) > 0 {
			last = claims[len(claims)-1]
		}
		restarted := false
		for i := 1; i < len(claims); i++ {
			if claims[i].start != claims[i-1].cursor {
				restarted = true
			}
		}
		missing := lang.Pick(fmt.Sprintf("%s, idle for minIdle or more, were not handled", short(missed)),
			fmt.Sprintf("minIdle 이상 방치된 엔트리(%s)를 처리하지 않았습니다", short(missed)))
		switch {
		case failing != "" && len(o.handled) > 0 && o.handled[len(o.handled)-1] == failing && isPrefix(o.handled, stale):
			o.fail(hint(4, secGoal, fmt.Sprintf("handle failed for %s and Recover stopped there, so %s were never handled: leave that entry pending (no XACK) and go on with the others", failing, short(missed)),
				fmt.Sprintf("엔트리 하나(%s)에서 handle이 실패하자 Recover가 거기서 멈춰서, %s 엔트리는 처리되지 못했습니다. 그 엔트리는 ack하지 말고 pending에 남겨 둔 채 나머지로 넘어가세요", failing, short(missed))))
		case len(claims) == 0:
			o.fail(hint(1, secGoal, missing+": claim them with XAUTOCLAIM user-notifications group1 <consumer> <minIdle> 0-0 (rdb.XAutoClaim), then handle what it returns",
				missing+". XAUTOCLAIM user-notifications group1 <consumer> <minIdle> 0-0 명령(rdb.XAutoClaim)으로 넘겨받은 뒤, 돌려받은 엔트리를 handle에 넘기세요"))
		case len(idleArgs) > 0 && idleArgs[0] > ms:
			o.fail(hint(1, secGoal, missing+fmt.Sprintf(": your XAUTOCLAIM asked for %d ms of idle time; pass minIdle itself (MinIdle: minIdle, %d ms here)", idleArgs[0], ms),
				missing+fmt.Sprintf(". XAUTOCLAIM 명령의 최소 방치 시간이 %d ms였습니다. minIdle을 그대로 주세요(MinIdle: minIdle, 여기서는 %d ms)", idleArgs[0], ms)))
		case last.cursor != "0-0" && last.got == 0:
			o.fail(hint(1, secGoal, missing+fmt.Sprintf(": Recover stopped after a reply with no entries, but its cursor was %s, not 0-0. A reply may hold no entries before the end (Redis looks at no more than 10 x COUNT pending entries a call): only the cursor 0-0 means the end", last.cursor),
				missing+fmt.Sprintf(". 엔트리가 없는 응답에서 멈췄지만, 그 응답의 커서는 끝(0-0)이 아니었습니다(커서: %s). 끝나기 전에도 엔트리가 하나도 없는 응답이 올 수 있습니다(Redis는 한 번에 많아야 10 x COUNT개의 pending 엔트리만 살핍니다). 끝을 알리는 것은 커서 값 0-0뿐입니다", last.cursor)))
		case last.cursor != "0-0":
			o.fail(hint(1, secGoal, missing+fmt.Sprintf(": Recover stopped while the last cursor was %s, not 0-0. Call XAUTOCLAIM again with Start: the cursor it returned, until that cursor is 0-0; a reply may hold fewer entries than COUNT before the end", last.cursor),
				missing+fmt.Sprintf(". 마지막 커서가 끝(0-0)이 아닌데 멈췄습니다(커서: %s). 돌려받은 커서를 Start로 주어 XAUTOCLAIM을 다시 부르고, 커서가 끝(0-0)을 가리킬 때까지 되풀이하세요. 끝나기 전에도 응답의 엔트리가 COUNT보다 적을 수 있습니다", last.cursor)))
		case restarted:
			o.fail(hint(1, secGoal, missing+": start each XAUTOCLAIM from the cursor the previous one returned (Start: cursor)",
				missing+". XAUTOCLAIM은 매번 앞선 호출이 돌려준 커서부터 부르세요(Start: 커서)"))
		default:
			o.fail(hint(1, secGoal, missing+": XAUTOCLAIM from 0-0 with MinIdle: minIdle, then from each cursor it returns until it is 0-0, and handle every entry it gives you",
				missing+". MinIdle: minIdle로 처음(0-0)부터 XAUTOCLAIM을 부르고, 커서가 끝(0-0)을 가리킬 때까지 돌려받은 커서부터 다시 불러서, 받은 엔트리를 모두 handle에 넘기세요"))
		}
	}
	if extra := without(o.handled, stale); len(extra) > 0 {
		o.fail(hint(1, secGoal, fmt.Sprintf("handle saw %s, which was not idle for minIdle: handle only what XAUTOCLAIM gives you", extra[0]),
			fmt.Sprintf("handle이 minIdle만큼 방치되지 않은 엔트리(%s)를 받았습니다. XAUTOCLAIM이 준 엔트리만 handle에 넘기세요", extra[0])))
	}
	if !slices.Equal(o.handled, stale) {
		o.fail(hint(1, secGoal, "call handle in the order XAUTOCLAIM gives the entries: oldest first, page after page",
			"XAUTOCLAIM이 준 순서대로, 가장 오래된 엔트리부터 쪽마다 차례로 handle을 부르세요"))
	}
	// Clauses 3 and 4: acks.
	if failing != "" && o.after[failing] != o.tr.consumer {
		if slices.Contains(ackedFirst, failing) {
			o.fail(hint(3, secGoal, "acknowledge after handle returned nil, never before: an entry acked before its handle failed leaves the pending list, and nobody will try it again",
				"handle이 nil을 돌려준 뒤에 ack하세요. 먼저 ack하면 handle이 실패해도 엔트리가 pending 목록에서 빠져서, 아무도 다시 시도하지 않습니다"))
		}
		o.fail(hint(4, secGoal, fmt.Sprintf("acknowledge only after handle returned nil: %s, whose handle failed, was acked, so it left the pending list and nobody will try it again", failing),
			fmt.Sprintf("handle이 nil을 돌려준 엔트리만 ack하세요. handle이 실패한 엔트리(%s)까지 ack해서 pending 목록에서 빠졌고, 이제 아무도 다시 시도하지 않습니다", failing)))
	}
	if len(ackedFirst) > 0 {
		o.fail(hint(3, secGoal, fmt.Sprintf("%s was acked before handle saw it: acknowledge after handle returned nil, never before", ackedFirst[0]),
			fmt.Sprintf("엔트리 하나(%s)를 handle이 받기도 전에 ack했습니다. handle이 nil을 돌려준 뒤에 ack하세요", ackedFirst[0])))
	}
	var still []string
	for _, id := range stale {
		if id != failing && o.after[id] != "" {
			still = append(still, id)
		}
	}
	if len(still) > 0 {
		o.fail(hint(3, secGoal, fmt.Sprintf("%s stayed pending, now under %s, although its handle returned nil: XACK each entry you handled, or it will be claimed again", short(still), o.after[still[0]]),
			fmt.Sprintf("handle이 nil을 돌려주었는데도 이제 %s 이름으로 pending에 남았습니다(%s). 처리한 엔트리마다 XACK하세요. 그러지 않으면 다시 넘겨받게 됩니다", o.after[still[0]], short(still))))
	}
	if !maps2Equal(o.after, pending) {
		o.fail(hint(1, secGoal, "the pending list is not what it should be: claim, handle and ack only the entries idle for minIdle or more",
			"pending 목록이 기대와 다릅니다. minIdle 이상 방치된 엔트리만 넘겨받아 처리하고 ack하세요"))
	}
	if o.n != acked {
		if o.n == len(o.handled) {
			o.fail(hint(5, secGoal, fmt.Sprintf("it returned %d, the entries it claimed; return how many it acknowledged, %d here (not the one whose handle failed)", o.n, acked),
				fmt.Sprintf("넘겨받은 엔트리 수(%d)를 반환했습니다. ack한 엔트리 수를 반환하세요. 여기서는 %d(handle이 실패한 것은 빼고)", o.n, acked)))
		}
		o.fail(hint(5, secGoal, fmt.Sprintf("return how many entries it acknowledged: %d here, not %d", acked, o.n),
			fmt.Sprintf("ack한 엔트리 수를 반환하세요. 여기서는 %d입니다(반환값 %d)", acked, o.n)))
	}
}

// ---------------------------------------------------------------------------
// Restart

func TestRestart(t *testing.T) {
	env := ex.Start(t)
	own := env.Client()
	const me = "consumer-1"
	// consumer-1 read 13 entries, more than COUNT, then crashed; consumer-2
	// holds two entries between them, idle for an hour.
	mine1, theirs, mine2 := seq(1, 7), []string{"1-7", "1-8"}, seq(2, 6)
	add(t, own, cat(mine1, theirs, mine2)...)
	createGroup(t, own)
	deliver(t, own, me, len(mine1), 0)
	deliver(t, own, "consumer-2", len(theirs), time.Hour)
	deliver(t, own, me, len(mine2), 0)
	backlog := cat(mine1, mine2)

	tr := newTrace(me)
	rdb := env.Learner(tr.hook)
	run := func(consumer, what, want string) *outcome {
		t.Helper()
		tr.consumer = consumer
		before := owners(t, own)
		n, err := tr.call(t, env, "Restart", func(ctx context.Context) (int, error) {
			return Restart(ctx, rdb, consumer, tr.handle)
		})
		ex.StopIfNotStarted(t, err, Restart)
		handled, failed, calls := tr.snapshot()
		o := &outcome{t: t, tr: tr, what: what, want: want, n: n, err: err, handled: handled, failed: failed, calls: calls, before: before, after: owners(t, own)}
		waited(o, "Restart", secLose)
		noFields(o, 1, secTry, "XPENDING lists the IDs of pending entries, not the entries: read your own with XREADGROUP ... STREAMS user-notifications 0, which gives each with its fields",
			"XPENDING은 pending 엔트리의 ID만 보여 줄 뿐 엔트리 자체는 주지 않습니다. 자기 pending 엔트리는 XREADGROUP ... STREAMS user-notifications 0으로 읽으세요. 엔트리마다 필드까지 줍니다")
		return o
	}

	// 0. A consumer that holds nothing, and nothing new.
	o := run("consumer-6", lang.Pick(`Restart(ctx, rdb, "consumer-6", handle): consumer-6 holds nothing, and nothing new waits`,
		`Restart(ctx, rdb, "consumer-6", handle): consumer-6 이름의 pending 엔트리도, 새 엔트리도 없음`),
		lang.Pick("nothing to do: Restart returns 0 and nil, handle is not called, the pending list stays as it was",
			"할 일 없음: Restart는 0, nil을 반환하고, handle은 불리지 않으며, pending 목록은 그대로"))
	restartCheck(o, nil, nil, nil, 0, o.before)

	// 1. consumer-1 starts again: 13 of its own, then 12 new ones; handle
	// fails once for 1-3 and 2-2 (its own; 2-2 ends a batch of COUNT 10)
	// and once for 4-1 (a new one).
	news := cat(seq(3, 6), seq(4, 6))
	add(t, own, news...)
	tr.failOnce["1-3"], tr.failOnce["2-2"], tr.failOnce["4-1"] = true, true, true
	o = run(me, lang.Pick(`Restart(ctx, rdb, "consumer-1", handle): consumer-1 holds 13 entries (1-0…1-6 2-0…2-5), consumer-2 holds 1-7 1-8, 12 new entries wait (3-0…3-5 4-0…4-5); handle fails once for each of 1-3, 2-2 and 4-1`,
		`Restart(ctx, rdb, "consumer-1", handle): consumer-1 이름의 pending 엔트리 13개(1-0…1-6 2-0…2-5), consumer-2 이름의 1-7 1-8 엔트리, 그리고 새 엔트리 12개(3-0…3-5 4-0…4-5)가 있음. handle은 1-3, 2-2, 4-1 엔트리에서 한 번씩 실패`),
		lang.Pick("handle called once for each entry, in this order: consumer-1's 13, then the 12 new ones; all acked but 1-3, 2-2 and 4-1, which stay pending under consumer-1; 1-7 and 1-8 stay with consumer-2; Restart returns 22 and nil",
			"엔트리마다 한 번씩, 이 순서로 handle 호출: consumer-1 이름의 13개, 그다음 새 엔트리 12개. 1-3, 2-2, 4-1 엔트리만 빼고 모두 ack하고, 그 셋은 consumer-1 이름으로 pending에 남음. 1-7, 1-8 엔트리는 consumer-2 이름으로 그대로. Restart는 22, nil을 반환"))
	restartCheck(o, backlog, news, []string{"1-3", "2-2", "4-1"}, 22,
		map[string]string{"1-3": me, "2-2": me, "4-1": me, "1-7": "consumer-2", "1-8": "consumer-2"})

	// 2. It starts again: the two that failed are its own pending entries.
	o = run(me, lang.Pick(`Restart again, over the same stream: consumer-1 holds 1-3, 2-2 and 4-1, whose handle failed; nothing new`,
		`같은 stream에서 다시 Restart: consumer-1 이름으로 pending인 엔트리는 handle이 실패했던 1-3, 2-2, 4-1 세 개이고, 새 엔트리는 없음`),
		lang.Pick("handle called once for 1-3, 2-2, then 4-1, all three acked; Restart returns 3 and nil; 1-7 and 1-8 stay with consumer-2",
			"1-3, 2-2, 4-1 엔트리 차례로 한 번씩 handle 호출, 셋 다 ack. Restart는 3, nil을 반환. 1-7, 1-8 엔트리는 consumer-2 이름으로 그대로"))
	restartCheck(o, []string{"1-3", "2-2", "4-1"}, nil, nil, 3,
		map[string]string{"1-7": "consumer-2", "1-8": "consumer-2"})

	// 3. Quiet: nothing pending, nothing new.
	o = run(me, lang.Pick(`Restart again: consumer-1 holds nothing, nothing new`, `다시 Restart: consumer-1 이름의 pending 엔트리도, 새 엔트리도 없음`),
		lang.Pick("nothing to do: Restart returns 0 and nil, handle is not called", "할 일 없음: Restart는 0, nil을 반환하고 handle은 불리지 않음"))
	restartCheck(o, nil, nil, nil, 0, o.before)

	// 4. One XACK answers an error.
	add(t, own, "7-0")
	tr.failCmd = "xack"
	o = run(me, lang.Pick(`Restart again: 7-0 is new; the first XACK answers an error (the connection is fine)`,
		`다시 Restart: 7-0 엔트리가 새로 들어옴. 첫 XACK 명령은 오류로 답함(연결은 멀쩡함)`),
		lang.Pick("Restart returns the error XACK answered", "Restart는 XACK 명령이 돌려준 오류를 반환"))
	if o.err != nil && !isInjected(o.err) {
		restartError(o)
	}
	expectError(o, 6, secLose, "XACK", "Restart")

	// 5. The first read answers an error.
	tr.failCmd = "xreadgroup"
	o = run(me, lang.Pick(`Restart again: consumer-1 holds 7-0; its first XREADGROUP answers an error (not redis.Nil; the connection is fine)`,
		`다시 Restart: 7-0 엔트리가 consumer-1 이름으로 pending. 첫 XREADGROUP 명령은 오류로 답함(redis.Nil이 아님, 연결은 멀쩡함)`),
		lang.Pick("Restart returns the error XREADGROUP answered", "Restart는 XREADGROUP 명령이 돌려준 오류를 반환"))
	expectError(o, 6, secLose, "XREADGROUP", "Restart")

	ex.Lesson(t, lang.Pick("a consumer that starts again reads its own pending entries first (ID 0, then after the last ID it got), then new ones ('>'): nothing it held when it died is lost",
		"다시 시작한 consumer는 먼저 자기 pending 엔트리를 읽고(ID 0, 그다음 마지막으로 받은 ID 뒤부터), 그다음 새 엔트리('>')를 읽는다. 죽을 때 들고 있던 엔트리를 하나도 잃지 않는다"))
}

// restartError explains an error Restart returned when Redis answered
// every command.
func restartError(o *outcome) {
	o.t.Helper()
	if h := commonErrorHint(o, "Restart", 1, 2); h != "" {
		o.fail(h)
	}
	switch {
	case errors.Is(o.err, redis.Nil):
		o.fail(hint(2, secLose, "Restart returned redis.Nil: that is how the last '>' read says nothing new waits, the normal end. Return nil then",
			"Restart가 redis.Nil을 돌려주었습니다. 마지막 '>' 읽기가 새 엔트리가 없다고 알리는 정상적인 끝입니다. 그때는 nil을 반환하세요"))
	case errors.Is(o.err, errHandle) || strings.Contains(o.err.Error(), errHandle.Error()):
		o.fail(hint(4, secLose, "a handle that fails is not Restart's failure: leave that entry pending (no XACK), go on with the next entries, and return nil",
			"handle의 실패는 Restart의 실패가 아닙니다. 그 엔트리는 ack하지 말고 pending에 남겨 둔 채 다음 엔트리로 넘어가고, nil을 반환하세요"))
	case errors.Is(o.err, errStopped) && o.tr.runaway == "waits":
		o.fail(hint(2, secLose, "a '>' read that finds nothing is the end: return then (nil), do not wait for more entries",
			"'>' 읽기가 아무것도 찾지 못하면 그것이 끝입니다. 그때 nil을 반환하고, 엔트리를 더 기다리지 마세요"))
	case errors.Is(o.err, errStopped):
		o.fail(hint(4, secLose, "Restart read its pending entries again and again: after a read, read from the ID of the last entry you got, not from 0 again. From 0, an entry whose handle failed (still pending) comes back first every time",
			"Restart가 자기 pending 엔트리를 읽고 또 읽었습니다. 다음 읽기는 0부터가 아니라 마지막으로 받은 엔트리의 ID부터 하세요. 0부터 읽으면 handle이 실패해 아직 pending인 엔트리가 매번 맨 먼저 돌아옵니다"))
	}
	o.fail(hint(6, secLose, "Restart returned an error although Redis answered every command: return an error only when XREADGROUP (with an error other than redis.Nil) or XACK answers one",
		"Redis가 모든 명령에 정상으로 답했는데 Restart가 오류를 돌려주었습니다. XREADGROUP(redis.Nil이 아닌 오류)이나 XACK 명령이 오류로 답할 때만 오류를 돌려주세요"))
}

// restartCheck checks a Restart call: handle must see own, then news, each
// once; failing stay pending; the pending list ends as pending.
func restartCheck(o *outcome, own, news, failing []string, acked int, pending map[string]string) {
	o.t.Helper()
	if o.err != nil {
		restartError(o)
	}
	wrongName(o, 1, secLose)
	want := cat(own, news)
	_, ackedFirst, noack, _, claims, afterEmpty := o.tr.get()
	// Entries of other consumers.
	for _, id := range o.handled {
		if owner := o.before[id]; owner != "" && owner != o.tr.consumer {
			how := lang.Pick("read with XREADGROUP ... STREAMS user-notifications 0: it gives only consumer's own pending entries", "XREADGROUP ... STREAMS user-notifications 0으로 읽으세요. consumer 자신의 pending 엔트리만 줍니다")
			if len(claims) > 0 {
				how = lang.Pick("XAUTOCLAIM takes entries from other consumers, which is Recover's job: read your own with XREADGROUP ... STREAMS user-notifications 0",
					"XAUTOCLAIM은 다른 consumer의 엔트리를 가져오며, 그것은 Recover의 일입니다. 자기 엔트리는 XREADGROUP ... STREAMS user-notifications 0으로 읽으세요")
			}
			o.fail(hint(1, secTry, fmt.Sprintf("%s belongs to %s: Restart handles only consumer's own pending entries; %s", id, owner, lang.Pick(how, how)),
				fmt.Sprintf("이 엔트리(%s)는 %s 이름으로 pending입니다. Restart는 consumer 자신의 pending 엔트리만 처리합니다. %s", id, owner, how)))
		}
	}
	if d := firstDup(o.handled); d != "" {
		if slices.Contains(o.failed, d) {
			o.fail(hint(4, secLose, fmt.Sprintf("handle was called again for %s after it failed: leave that entry pending (no XACK) and go on. Read your pending entries from the ID of the last entry you got, not from 0 again: from 0 the failed entry comes back first every time", d),
				fmt.Sprintf("실패한 엔트리(%s)에 대해 handle을 다시 불렀습니다. ack하지 말고 pending에 남겨 둔 채 넘어가세요. pending 엔트리는 0부터 다시가 아니라 마지막으로 받은 엔트리의 ID부터 읽으세요. 0부터 읽으면 실패한 엔트리가 매번 맨 먼저 돌아옵니다", d)))
		}
		o.fail(hint(1, secLose, fmt.Sprintf("handle was called more than once for %s: call it once for each entry", d),
			fmt.Sprintf("엔트리 하나(%s)에 대해 handle이 두 번 이상 불렸습니다. 엔트리마다 한 번씩만 부르세요", d)))
	}
	var gotOwn, gotNew []string
	for _, id := range o.handled {
		switch {
		case slices.Contains(own, id):
			gotOwn = append(gotOwn, id)
		case slices.Contains(news, id):
			gotNew = append(gotNew, id)
		}
	}
	switch {
	case slices.Equal(o.handled, want):
	case len(own) > 0 && len(gotOwn) == 0 && len(gotNew) > 0:
		o.fail(hint(1, secLose, "after a restart, the entries you held are still yours, and '>' never hands them out again: read with ID 0 first (your pending entries), then '>'",
			"다시 시작해도 들고 있던 엔트리는 여전히 여러분의 것이고, '>'는 그것을 다시 내주지 않습니다. 먼저 ID 0으로 자기 pending 엔트리를 읽고, 그다음 '>'로 읽으세요"))
	case len(own) > 0 && len(gotOwn) == 0:
		o.fail(hint(1, secTry, "handle never saw consumer's own pending entries: read them with XREADGROUP ... STREAMS user-notifications 0, then read '>'",
			"handle이 consumer 자신의 pending 엔트리를 하나도 받지 못했습니다. XREADGROUP ... STREAMS user-notifications 0으로 읽고, 그다음 '>'로 읽으세요"))
	case len(gotOwn) < len(own) && len(gotOwn) > 0 && slices.Contains(failing, gotOwn[len(gotOwn)-1]) && len(gotNew) == 0:
		o.fail(hint(4, secLose, fmt.Sprintf("handle failed for %s and Restart stopped there: leave that entry pending (no XACK) and go on with the next entries", gotOwn[len(gotOwn)-1]),
			fmt.Sprintf("엔트리 하나(%s)에서 handle이 실패하자 Restart가 거기서 멈췄습니다. 그 엔트리는 ack하지 말고 pending에 남겨 둔 채 다음 엔트리로 넘어가세요", gotOwn[len(gotOwn)-1])))
	case len(gotOwn) < len(own):
		o.fail(hint(1, secTry, fmt.Sprintf("handle saw %d of consumer's %d pending entries: a read gives at most COUNT entries, so read again, from the ID of the last entry you got, until a read gives none", len(gotOwn), len(own)),
			fmt.Sprintf("consumer의 pending 엔트리 %d개 가운데 handle이 받은 것은 %d개입니다. 읽기 한 번은 많아야 COUNT개를 주므로, 마지막으로 받은 엔트리의 ID부터 다시 읽기를 읽을 것이 없을 때까지 되풀이하세요", len(own), len(gotOwn))))
	case len(news) > 0 && len(gotNew) == 0:
		o.fail(hint(2, secLose, "when a read with ID 0 returns no entries, your pending list is done: then switch to '>' for what came while you were down",
			"ID 0 읽기가 엔트리를 하나도 돌려주지 않으면 pending 목록은 끝난 것입니다. 그때 '>'로 바꿔, 꺼져 있는 동안 들어온 엔트리를 읽으세요"))
	case len(gotNew) < len(news) && len(gotNew) > 0 && slices.Contains(failing, gotNew[len(gotNew)-1]):
		o.fail(hint(4, secLose, fmt.Sprintf("handle failed for %s and Restart stopped there: leave that entry pending (no XACK) and go on with the next entries", gotNew[len(gotNew)-1]),
			fmt.Sprintf("엔트리 하나(%s)에서 handle이 실패하자 Restart가 거기서 멈췄습니다. 그 엔트리는 ack하지 말고 pending에 남겨 둔 채 다음 엔트리로 넘어가세요", gotNew[len(gotNew)-1])))
	case len(gotNew) < len(news):
		o.fail(hint(2, secLose, fmt.Sprintf("handle saw %d of the %d new entries: a read gives at most COUNT entries, so read '>' again until a read finds none", len(gotNew), len(news)),
			fmt.Sprintf("새 엔트리 %d개 가운데 handle이 받은 것은 %d개입니다. 읽기 한 번은 많아야 COUNT개를 주므로, 읽을 것이 없을 때까지 '>' 읽기를 되풀이하세요", len(news), len(gotNew))))
	case len(o.handled) > len(want):
		extra := without(o.handled, want)
		o.fail(hint(1, secLose, fmt.Sprintf("handle saw %s, which was neither consumer's pending entry nor new: read your own pending entries (0), then new ones ('>')", short(extra)),
			fmt.Sprintf("handle이 consumer의 pending 엔트리도 새 엔트리도 아닌 것(%s)을 받았습니다. 자기 pending 엔트리(0), 그다음 새 엔트리('>')를 읽으세요", short(extra))))
	default:
		o.fail(hint(1, secLose, "call handle for consumer's own pending entries first, oldest first, then for the new ones, oldest first",
			"consumer 자신의 pending 엔트리부터 오래된 차례로, 그다음 새 엔트리를 오래된 차례로 handle에 넘기세요"))
	}
	for _, id := range failing {
		if o.after[id] == o.tr.consumer {
			continue
		}
		switch {
		case noack:
			o.fail(hint(4, secLose, "NOACK acknowledges each entry the moment it is delivered, so the one whose handle failed is lost: read without NoAck, and XACK after handle returned nil",
				"NOACK은 전달하는 순간 ack된 것으로 치므로 handle이 실패한 엔트리를 잃습니다. NoAck 없이 읽고, handle이 nil을 돌려준 뒤에 XACK하세요"))
		case slices.Contains(ackedFirst, id):
			o.fail(hint(3, secLose, "acknowledge after handle returned nil, never before: an entry acked before its handle failed leaves the pending list, and nobody will try it again",
				"handle이 nil을 돌려준 뒤에 ack하세요. 먼저 ack하면 handle이 실패해도 엔트리가 pending 목록에서 빠져서, 아무도 다시 시도하지 않습니다"))
		default:
			o.fail(hint(4, secLose, fmt.Sprintf("acknowledge only after handle returned nil: %s, whose handle failed, was acked, so it left the pending list and nobody will try it again", id),
				fmt.Sprintf("handle이 nil을 돌려준 엔트리만 ack하세요. handle이 실패한 엔트리(%s)까지 ack해서 pending 목록에서 빠졌고, 이제 아무도 다시 시도하지 않습니다", id)))
		}
	}
	if len(ackedFirst) > 0 {
		o.fail(hint(3, secLose, fmt.Sprintf("%s was acked before handle saw it: acknowledge after handle returned nil, never before", ackedFirst[0]),
			fmt.Sprintf("엔트리 하나(%s)를 handle이 받기도 전에 ack했습니다. handle이 nil을 돌려준 뒤에 ack하세요", ackedFirst[0])))
	}
	var still []string
	for _, id := range want {
		if !slices.Contains(failing, id) && o.after[id] != "" {
			still = append(still, id)
		}
	}
	if len(still) > 0 {
		o.fail(hint(3, secLose, fmt.Sprintf("%s stayed pending although its handle returned nil: XACK user-notifications group1 <id> after each entry whose handle returned nil", short(still)),
			fmt.Sprintf("handle이 nil을 돌려주었는데도 pending에 남았습니다(%s). handle이 nil을 돌려준 엔트리마다 XACK user-notifications group1 <id>", short(still))))
	}
	if !maps2Equal(o.after, pending) {
		o.fail(hint(1, secLose, "the pending list is not what it should be: handle and ack only consumer's own pending entries, then the new ones",
			"pending 목록이 기대와 다릅니다. consumer 자신의 pending 엔트리와 새 엔트리만 처리하고 ack하세요"))
	}
	if afterEmpty > 0 {
		o.fail(hint(2, secLose, "Restart read '>' again after a '>' read that found nothing: that read is the end; return then, do not wait for more",
			"'>' 읽기가 아무것도 찾지 못했는데 Restart가 '>'를 다시 읽었습니다. 그 읽기가 끝입니다. 그때 반환하고, 더 기다리지 마세요"))
	}
	if o.n != acked {
		if o.n == len(o.handled) {
			o.fail(hint(5, secLose, fmt.Sprintf("it returned %d, the entries it handled; return how many it acknowledged, %d here (not those whose handle failed)", o.n, acked),
				fmt.Sprintf("처리한 엔트리 수(%d)를 반환했습니다. ack한 엔트리 수를 반환하세요. 여기서는 %d(handle이 실패한 것은 빼고)", o.n, acked)))
		}
		o.fail(hint(5, secLose, fmt.Sprintf("return how many entries it acknowledged: %d here, not %d", acked, o.n),
			fmt.Sprintf("ack한 엔트리 수를 반환하세요. 여기서는 %d입니다(반환값 %d)", acked, o.n)))
	}
}
