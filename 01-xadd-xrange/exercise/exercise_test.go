package exercise

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/lang"
	ex "github.com/streams-workshop/kit/testkit/exercisetest"
)

// The tests speak of the contract in each task's doc comment: a hint starts
// with the clause that broke and ends with the README section that teaches
// it.

func clause(n int) string {
	return lang.Pick(fmt.Sprintf("clause %d: ", n), fmt.Sprintf("조항 %d: ", n))
}

func readme(en, ko string) string {
	return lang.Pick(" (README.md, "+en+")", " (README.ko.md, "+ko+")")
}

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

// fault fails the next command with one of names, once, after arm: an error
// from Redis that leaves the connection alive, as OOM or LOADING would.
type fault struct {
	names []string
	err   error

	mu    sync.Mutex
	armed bool
	fired bool
}

func (f *fault) arm() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.armed, f.fired = true, false
}

func (f *fault) hook(ctx context.Context, cmds []redis.Cmder, send func() error) error {
	f.mu.Lock()
	hit := false
	for _, cmd := range cmds {
		hit = hit || (f.armed && slices.Contains(f.names, cmd.Name()))
	}
	if hit {
		f.armed, f.fired = false, true
	}
	f.mu.Unlock()
	if !hit {
		return send()
	}
	for _, cmd := range cmds {
		cmd.SetErr(f.err)
	}
	return f.err
}

// entry is an entry as Redis holds it: its fields in the order written.
type entry struct {
	id     string
	fields []string
}

func (e entry) String() string {
	var b strings.Builder
	b.WriteString(e.id)
	for i := 0; i+1 < len(e.fields); i += 2 {
		fmt.Fprintf(&b, " %s=%q", e.fields[i], e.fields[i+1])
	}
	return b.String()
}

func entries(t *testing.T, c *redis.Client) []entry {
	t.Helper()
	reply, err := c.Do(context.Background(), "XRANGE", stream, "-", "+").Slice()
	if err != nil {
		t.Fatalf("XRANGE %s: %v", stream, err)
	}
	out := make([]entry, 0, len(reply))
	for _, r := range reply {
		e := r.([]any)
		var fields []string
		list, _ := e[1].([]any)
		for _, f := range list {
			fields = append(fields, fmt.Sprint(f))
		}
		out = append(out, entry{id: e[0].(string), fields: fields})
	}
	return out
}

func sameEntries(a, b []entry) bool {
	return slices.EqualFunc(a, b, func(x, y entry) bool { return x.id == y.id && slices.Equal(x.fields, y.fields) })
}

func TestAddNotification(t *testing.T) {
	ctx := context.Background()
	env := ex.Start(t)
	own := env.Client()
	oom := errors.New("OOM command not allowed when used memory > 'maxmemory' (the test made this XADD fail)")
	xaddFails := &fault{names: []string{"xadd"}, err: oom}
	other := &racer{own: own}
	rdb := env.Learner(xaddFails.hook, other.hook)
	var want []entry // what user-notifications must hold, in order

	add := func(user, message string) {
		t.Helper()
		what := fmt.Sprintf("AddNotification(ctx, rdb, %q, %q)", user, message)
		id, err := call(t, env, what, func(ctx context.Context) (string, error) {
			return AddNotification(ctx, rdb, user, message)
		})
		ex.StopIfNotStarted(t, err, AddNotification)
		if err != nil {
			ex.Fatal(t, addFailed(t, own, what, err))
		}
		want = checkAdded(t, own, what, want, user, message, id)
	}

	// A first run: the stream does not exist yet. Calls come one right after
	// the other, in the same millisecond or not.
	add("user-a", "hi")
	add("user-b", "how are you?")
	add("user-a", "fine, thanks: 잘 지내요")

	// The stream's last ID is from the future, as in the README's Try this:
	// only Redis's "*" can follow it.
	future := entry{id: "9999999999999-0", fields: []string{"user-a", "from the future"}}
	if err := own.XAdd(ctx, &redis.XAddArgs{Stream: stream, ID: future.id, Values: future.fields}).Err(); err != nil {
		t.Fatal(err)
	}
	want = append(want, future)
	add("user-c", "after the future?")

	// Another client adds an entry right after the call's XADD, as any
	// other writer may: the stream's newest entry is then not the call's.
	other.arm()
	what := `AddNotification(ctx, rdb, "user-d", "me first")`
	id, err := call(t, env, what, func(ctx context.Context) (string, error) {
		return AddNotification(ctx, rdb, "user-d", "me first")
	})
	if err != nil {
		ex.Fatal(t, addFailed(t, own, what, err))
	}
	if theirs := other.added(); theirs != "" {
		if id == theirs {
			mine := lang.Pick("(none)", "(없음)")
			if now := entries(t, own); len(now) > len(want) {
				mine = now[len(want)].id
			}
			ex.Fatal(t, ex.Report{
				Want: lang.Pick(what+" returns the ID of the entry it added, "+mine, what+": 추가한 엔트리의 ID("+mine+")를 반환"),
				Got: lang.Pick(fmt.Sprintf("it returned %s, the ID of the entry another client added right after its XADD\n%s", id, ex.Entries(t, own, stream)),
					fmt.Sprintf("반환한 ID %s는 XADD 바로 뒤에 다른 클라이언트가 추가한 엔트리의 ID입니다\n%s", id, ex.Entries(t, own, stream))),
				Hint: clause(3) + lang.Pick(
					"the stream's newest entry is not always yours: other clients add to it too, between your XADD and your next read. XADD replies with the ID of the entry it added: id, err := rdb.XAdd(...).Result()",
					"stream의 가장 새 엔트리가 늘 여러분의 것은 아닙니다. XADD와 다음 읽기 사이에 다른 클라이언트도 추가합니다. XADD는 자기가 추가한 엔트리의 ID로 답합니다: id, err := rdb.XAdd(...).Result()") +
					readme("You should see", "이런 출력이 보여야 한다"),
			})
		}
		// The other client's entry goes, so that the checks below see only
		// the call's.
		if err := own.XDel(ctx, stream, theirs).Err(); err != nil {
			t.Fatal(err)
		}
	}
	want = checkAdded(t, own, what, want, "user-d", "me first", id)

	// XADD fails once, the connection stays: the error must reach the caller.
	xaddFails.arm()
	what = `AddNotification(ctx, rdb, "user-b", "are you there?")`
	id, err = call(t, env, what, func(ctx context.Context) (string, error) {
		return AddNotification(ctx, rdb, "user-b", "are you there?")
	})
	if err == nil {
		got := lang.Pick(
			fmt.Sprintf("XADD failed with %q; %s returned the ID %q and no error", oom, what, id),
			fmt.Sprintf("XADD 실패: %q\n%s 호출 결과: ID %q, 오류 nil", oom, what, id))
		if !xaddFails.fired {
			got = lang.Pick(fmt.Sprintf("%s returned the ID %q and sent no XADD", what, id),
				fmt.Sprintf("%s 호출 결과: XADD를 보내지 않음, ID %q, 오류 nil", what, id))
		} else if now := entries(t, own); len(now) > len(want) {
			got += lang.Pick("\nit tried again and added it: return the error instead, the caller decides",
				"\n다시 시도해서 추가했습니다. 대신 오류를 반환하세요. 어떻게 할지는 호출한 쪽이 정합니다")
		}
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("an error when XADD fails", "XADD가 실패하면 오류를 반환"),
			Got:  got,
			Hint: clause(4) + lang.Pick(
				"check XADD's error and return it: id, err := rdb.XAdd(...).Result(); a notification that was not added must not look sent",
				"XADD의 오류를 확인해 반환하세요: id, err := rdb.XAdd(...).Result(). 추가되지 않은 알림이 보낸 것처럼 보이면 안 됩니다") +
				readme("You should see", "이런 출력이 보여야 한다"),
		})
	}
	if now := entries(t, own); !sameEntries(now, want) {
		t.Fatalf("a failed XADD changed the stream:\n%s", ex.Entries(t, own, stream))
	}
	// And it works again at once.
	add("user-b", "are you there?")
}

// racer is another client that adds an entry right after the learner's
// next XADD, once, after arm.
type racer struct {
	own *redis.Client

	mu    sync.Mutex
	armed bool
	id    string // the ID of the entry it added
}

func (r *racer) arm() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.armed, r.id = true, ""
}

func (r *racer) added() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.id
}

func (r *racer) hook(ctx context.Context, cmds []redis.Cmder, send func() error) error {
	err := send()
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.armed || err != nil || !slices.ContainsFunc(cmds, func(c redis.Cmder) bool { return c.Name() == "xadd" }) {
		return err
	}
	r.armed = false
	r.id, _ = r.own.XAdd(context.Background(), &redis.XAddArgs{Stream: stream, Values: []string{"user-z", "from another client"}}).Result()
	return err
}

// addFailed explains an error AddNotification returned.
func addFailed(t *testing.T, own *redis.Client, what string, err error) ex.Report {
	r := ex.Report{
		Want: lang.Pick(what+" adds an entry and returns its ID", what+": 엔트리를 추가하고 그 ID를 반환"),
		Got:  returned(err) + "\n" + ex.Entries(t, own, stream),
	}
	switch {
	case errors.Is(err, redis.Nil):
		r.Hint = clause(1) + lang.Pick(
			"XADD replied nil: it added nothing. With NOMKSTREAM (NoMkStream: true) XADD refuses to create a stream that does not exist yet; leave it out, so that the first call creates user-notifications",
			"XADD가 nil로 답했습니다. 아무것도 추가되지 않았다는 뜻입니다. NOMKSTREAM(NoMkStream: true)을 주면 아직 없는 stream을 만들지 않습니다. 빼세요. 그래야 첫 호출이 user-notifications를 만듭니다") +
			readme("You should see", "이런 출력이 보여야 한다")
	case strings.Contains(err.Error(), "equal or smaller"):
		r.Hint = clause(2) + lang.Pick(
			"let Redis choose the ID with \"*\": an explicit ID must be greater than the last one, so the same ID twice is refused, and so is an ID from your clock once the stream's last ID is in the future",
			"ID는 \"*\"로 Redis가 정하게 하세요. 직접 준 ID는 마지막 ID보다 커야 해서 같은 ID는 두 번 쓸 수 없고, stream의 마지막 ID가 미래의 것이면 여러분의 시계로 만든 ID도 거절됩니다") +
			readme("You should see, IDs only grow; Try this", "이런 출력이 보여야 한다, ID는 커지기만 한다; 해 볼 것")
	default:
		r.Hint = clause(1) + lang.Pick(
			"XADD user-notifications * <user> <message>: rdb.XAdd(ctx, &redis.XAddArgs{Stream: stream, ID: \"*\", Values: []string{user, message}}).Result()",
			"XADD user-notifications * <user> <message>: rdb.XAdd(ctx, &redis.XAddArgs{Stream: stream, ID: \"*\", Values: []string{user, message}}).Result()") +
			readme("You should see", "이런 출력이 보여야 한다")
	}
	return r
}

// checkAdded checks that the call added one entry, user=message, after the
// entries of want, and returned its ID; it returns the new want.
func checkAdded(t *testing.T, own *redis.Client, what string, want []entry, user, message, id string) []entry {
	t.Helper()
	now := entries(t, own)
	shown := ex.Entries(t, own, stream)
	fail := func(n int, got, hint string) {
		t.Helper()
		ex.Fatal(t, ex.Report{
			Want: lang.Pick(
				fmt.Sprintf("%s adds one entry, %s=%q, after the %d already there, and returns its ID", what, user, message, len(want)),
				fmt.Sprintf("%s: 이미 있던 엔트리 %d개 뒤에 엔트리 하나(%s=%q)를 추가하고 그 ID를 반환", what, len(want), user, message)),
			Got:  got,
			Hint: clause(n) + hint,
		})
	}
	switch {
	case len(now) < len(want) || !sameEntries(now[:len(want)], want):
		fail(1, shown, lang.Pick(
			"the entries that were there before are gone: add with XADD and no MAXLEN or MINID, which trim the stream",
			"원래 있던 엔트리가 사라졌습니다. MAXLEN이나 MINID 없이 XADD하세요. 둘 다 stream을 잘라 냅니다")+
			readme("Try this", "해 볼 것"))
	case len(now) == len(want):
		got := shown
		var others []string
		for _, k := range own.Keys(context.Background(), "*").Val() {
			if k != stream {
				others = append(others, k)
			}
		}
		slices.Sort(others)
		if len(others) > 0 {
			got += lang.Pick("\nother keys in Redis: ", "\nRedis에 있는 다른 키: ") + strings.Join(others, ", ")
		}
		fail(1, got, lang.Pick(
			"add to the stream user-notifications (the constant stream): XADD user-notifications * <user> <message>",
			"stream user-notifications(상수 stream)에 추가하세요: XADD user-notifications * <user> <message>")+
			readme("You should see", "이런 출력이 보여야 한다"))
	case len(now) > len(want)+1:
		fail(1, shown, lang.Pick(
			fmt.Sprintf("one entry a call: this call added %d; send XADD once", len(now)-len(want)),
			fmt.Sprintf("호출 한 번에 엔트리 하나입니다. 이번 호출로 %d개가 늘었습니다. XADD는 한 번만 보내세요", len(now)-len(want)))+
			readme("You should see", "이런 출력이 보여야 한다"))
	}
	added := now[len(want)]
	if !slices.Equal(added.fields, []string{user, message}) {
		fail(1, shown, lang.Pick(
			"the field's name is the user and its value the message, as in XADD user-notifications * user-a hi: Values: []string{user, message}, and no other field",
			"필드 이름이 사용자, 그 값이 메시지입니다(XADD user-notifications * user-a hi). 다른 필드는 넣지 말고 이렇게 쓰세요: Values: []string{user, message}")+
			readme("You should see", "이런 출력이 보여야 한다"))
	}
	if id != added.id {
		got := lang.Pick(fmt.Sprintf("it returned %q; the entry it added has the ID %s", id, added.id),
			fmt.Sprintf("반환한 ID는 %q, 추가된 엔트리의 ID는 %s", id, added.id))
		switch {
		case strings.HasPrefix(strings.ToLower(id), "xadd "):
			got += lang.Pick("\nthat is the command as text (its String()): the ID is its Val(), or the first value of Result()",
				"\n이것은 명령을 글로 적은 것(String())입니다. ID는 Val(), 또는 Result()의 첫 값입니다")
		case id == "*":
			got += lang.Pick("\n* is what you sent; XADD replies with the ID Redis chose",
				"\n*는 여러분이 보낸 값입니다. XADD는 Redis가 정한 ID로 답합니다")
		}
		fail(3, got, lang.Pick(
			"return the ID XADD replied: id, err := rdb.XAdd(...).Result()",
			"XADD가 답한 ID를 반환하세요: id, err := rdb.XAdd(...).Result()")+
			readme("You should see", "이런 출력이 보여야 한다"))
	}
	return append(want, added)
}

// compareIDs orders two entry IDs, <ms>-<seq>, as Redis does.
func compareIDs(a, b string) int {
	am, as := splitID(a)
	bm, bs := splitID(b)
	if am != bm {
		if am < bm {
			return -1
		}
		return 1
	}
	switch {
	case as < bs:
		return -1
	case as > bs:
		return 1
	}
	return 0
}

func splitID(id string) (ms, seq uint64) {
	m, s, _ := strings.Cut(id, "-")
	ms, _ = strconv.ParseUint(m, 10, 64)
	seq, _ = strconv.ParseUint(s, 10, 64)
	return ms, seq
}

func msgIDs(msgs []redis.XMessage) []string {
	ids := make([]string, 0, len(msgs))
	for _, m := range msgs {
		ids = append(ids, m.ID)
	}
	return ids
}

func show(ids []string) string { return "[" + strings.Join(ids, " ") + "]" }

func TestPage(t *testing.T) {
	ctx := context.Background()
	env := ex.Start(t)
	own := env.Client()
	// More entries than any page, and IDs that share a millisecond across the
	// pages' edges.
	all := []string{"1-0", "5-0", "5-1", "5-2", "7-0", "8-0", "8-1", "9-0"}
	for i, id := range all {
		if err := own.XAdd(ctx, &redis.XAddArgs{Stream: stream, ID: id, Values: []string{"user-a", fmt.Sprint("message ", i+1)}}).Err(); err != nil {
			t.Fatal(err)
		}
	}
	loading := errors.New("LOADING Redis is loading the dataset in memory (the test made this read fail)")
	readFails := &fault{names: []string{"xrange", "xrevrange", "xread"}, err: loading}
	size := &readSize{}
	rdb := env.Learner(readFails.hook, pageNeverWaits(t), size.hook)

	page := func(after string, count int64) (string, []string, error) {
		t.Helper()
		what := fmt.Sprintf("Page(ctx, rdb, %q, %d)", after, count)
		msgs, err := call(t, env, what, func(ctx context.Context) ([]redis.XMessage, error) {
			return Page(ctx, rdb, after, count)
		})
		ex.StopIfNotStarted(t, err, Page)
		if t.Failed() {
			t.FailNow() // a hook has said why
		}
		return what, msgIDs(msgs), err
	}
	check := func(after string, count int64) {
		t.Helper()
		want := nextPage(all, after, count)
		size.reset()
		what, got, err := page(after, count)
		if err != nil {
			ex.Fatal(t, pageFailed(all, what, after, want, err))
		}
		if !slices.Equal(got, want) {
			ex.Fatal(t, pageWrong(all, what, after, count, want, got))
		}
		// One more than count is a fair read: an inclusive start, with the
		// entry after dropped.
		if most, cmd := size.get(); int64(most) > count+1 {
			ex.Fatal(t, ex.Report{
				Want: lang.Pick(fmt.Sprintf("%s reads about %d entries from Redis, and returns %s", what, count, show(want)),
					fmt.Sprintf("%s: Redis에서 엔트리를 %d개 남짓 읽고 %s 반환", what, count, show(want))),
				Got: lang.Pick(fmt.Sprintf("the page was right, but one read brought back %d entries: %s", most, cmd),
					fmt.Sprintf("페이지는 맞지만, 읽기 한 번이 엔트리 %d개를 가져왔습니다: %s", most, cmd)),
				Hint: clause(4) + lang.Pick(
					fmt.Sprintf("never the whole stream: %d entries came for a count of %d, and each call reads them all, however long the stream grows. Let Redis cut the page with COUNT: rdb.XRangeN(ctx, stream, start, \"+\", count)", most, count),
					fmt.Sprintf("stream 전체를 읽지 마세요. count가 %d인데 엔트리 %d개가 왔고, stream이 길어져도 호출마다 전부 읽습니다. 페이지는 COUNT로 Redis가 자르게 하세요: rdb.XRangeN(ctx, stream, start, \"+\", count)", count, most)) +
					readme("Try this", "해 볼 것"),
			})
		}
	}

	// Page after page, counts that change, to the end and past it.
	check("", 2)    // [1-0 5-0]
	check("5-0", 3) // [5-1 5-2 7-0]: 5-1 shares 5-0's millisecond
	check("7-0", 1) // [8-0]
	check("8-0", 5) // [8-1 9-0]: fewer at the end
	check("9-0", 2) // []: the end
	check("9-0", 2) // [] again
	check("6-0", 2) // [7-0 8-0]: an after no longer in the stream (trimmed, or deleted) drops nothing

	// A read that fails is an error, not the end.
	readFails.arm()
	what, got, err := page("5-0", 2)
	if err == nil {
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("an error when the read fails", "읽기가 실패하면 오류를 반환"),
			Got: lang.Pick(fmt.Sprintf("the read failed with %q; %s returned %s and no error", loading, what, show(got)),
				fmt.Sprintf("읽기 실패: %q\n%s 호출 결과: %s, 오류 nil", loading, what, show(got))),
			Hint: clause(6) + lang.Pick(
				"check the read's error and return it: msgs, err := rdb.XRangeN(...).Result(). An empty page with no error means the end, so the caller would stop too early",
				"읽기의 오류를 확인해 반환하세요: msgs, err := rdb.XRangeN(...).Result(). 오류 없는 빈 페이지는 끝이라는 뜻이라서, 호출한 쪽이 너무 일찍 멈춥니다") +
				readme("Try this", "해 볼 것"),
		})
	}

	// The stream grows: the page after the end is no longer empty. 9-1
	// shares 9-0's millisecond.
	if err := own.XAdd(ctx, &redis.XAddArgs{Stream: stream, ID: "9-1", Values: []string{"user-b", "one more"}}).Err(); err != nil {
		t.Fatal(err)
	}
	all = append(all, "9-1")
	check("9-0", 2)  // [9-1]
	check("", 100)   // the whole stream: count is more than there is
	check("9-1", 10) // []

	// A longer millisecond: 10-0 comes after 9-1, though "10-0" < "9-1" as
	// text.
	if err := own.XAdd(ctx, &redis.XAddArgs{Stream: stream, ID: "10-0", Values: []string{"user-b", "ten"}}).Err(); err != nil {
		t.Fatal(err)
	}
	all = append(all, "10-0")
	check("9-1", 10) // [10-0]
	check("9-0", 1)  // [9-1]
}

// readSize keeps the most entries one read of Page brought back, and that
// read: clause 4, never the whole stream.
type readSize struct {
	mu   sync.Mutex
	most int
	cmd  string
}

func (r *readSize) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.most, r.cmd = 0, ""
}

func (r *readSize) get() (int, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.most, r.cmd
}

func (r *readSize) hook(ctx context.Context, cmds []redis.Cmder, send func() error) error {
	err := send()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, cmd := range cmds {
		if n := replied(cmd); n > r.most {
			r.most, r.cmd = n, ex.Show(cmd)
		}
	}
	return err
}

// replied counts the entries in the reply of a read.
func replied(cmd redis.Cmder) int {
	switch c := cmd.(type) {
	case *redis.XMessageSliceCmd:
		return len(c.Val())
	case *redis.XStreamSliceCmd:
		n := 0
		for _, s := range c.Val() {
			n += len(s.Messages)
		}
		return n
	case *redis.Cmd:
		if name := cmd.Name(); name == "xrange" || name == "xrevrange" {
			v, _ := c.Val().([]any)
			return len(v)
		}
	}
	return 0
}

// nextPage is what Page(after, count) must return.
func nextPage(all []string, after string, count int64) []string {
	page := []string{}
	for _, id := range all {
		if (after == "" || compareIDs(id, after) > 0) && int64(len(page)) < count {
			page = append(page, id)
		}
	}
	return page
}

// pageNeverWaits fails a blocking read in Page: clause 5.
func pageNeverWaits(t *testing.T) ex.Hook {
	return func(ctx context.Context, cmds []redis.Cmder, send func() error) error {
		for _, cmd := range cmds {
			if i, _ := ex.BlockArg(cmd); i >= 0 {
				ex.Fail(t, ex.Report{
					Want: lang.Pick("a page at once, whether or not entries are left", "남은 엔트리가 있든 없든 곧바로 페이지를 반환"),
					Got:  ex.Show(cmd) + lang.Pick(": a read that waits for new entries", ": 새 엔트리를 기다리는 읽기"),
					Hint: clause(5) + lang.Pick(
						"Page never waits: read with XRANGE (or XREAD with Block: -1, which sends no BLOCK); after the last entry, return an empty page at once",
						"Page는 기다리지 않습니다. XRANGE로 읽으세요(XREAD라면 BLOCK을 보내지 않는 Block: -1로). 마지막 엔트리 다음이면 곧바로 빈 페이지를 반환하세요") +
						readme("Try this", "해 볼 것"),
				})
				err := errors.New("exercisetest: the test refused a blocking read in Page")
				for _, c := range cmds {
					c.SetErr(err)
				}
				return err
			}
		}
		return send()
	}
}

// pageFailed explains an error Page returned.
func pageFailed(all []string, what, after string, want []string, err error) ex.Report {
	r := ex.Report{
		Want: lang.Pick(fmt.Sprintf("%s returns %s", what, show(want)), fmt.Sprintf("%s 호출 결과 %s", what, show(want))),
		Got:  returned(err) + lang.Pick("\nthe stream: ", "\nstream: ") + show(all),
	}
	switch {
	case len(want) == 0 && errors.Is(err, redis.Nil):
		r.Hint = clause(5) + lang.Pick(
			"XREAD answers redis.Nil when nothing is left: that is the end, an empty page and no error: if errors.Is(err, redis.Nil) { return nil, nil }",
			"남은 것이 없으면 XREAD는 redis.Nil로 답합니다. 그것이 끝입니다. 오류 없이 빈 페이지를 반환하세요: if errors.Is(err, redis.Nil) { return nil, nil }") +
			readme("Try this", "해 볼 것")
	case len(want) == 0:
		r.Hint = clause(5) + lang.Pick(
			"after the last entry, return an empty page and a nil error: an empty page is how the caller knows it has reached the end",
			"마지막 엔트리 다음이면 빈 페이지와 nil 오류를 반환하세요. 빈 페이지를 보고 호출한 쪽이 끝에 닿았음을 압니다") +
			readme("Try this", "해 볼 것")
	case after == "":
		r.Hint = clause(1) + lang.Pick(
			"with after empty, start at - (the first entry): \"(\" alone is no ID. start := \"-\"; if after != \"\" { start = \"(\" + after }",
			"after가 비어 있으면 -(첫 엔트리)에서 시작하세요. \"(\"만으로는 ID가 아닙니다. start := \"-\"; if after != \"\" { start = \"(\" + after }") +
			readme("Goal", "목표")
	default:
		r.Hint = clause(2) + lang.Pick(
			"XRANGE user-notifications (<after> + COUNT <count>: rdb.XRangeN(ctx, stream, \"(\"+after, \"+\", count)",
			"XRANGE user-notifications (<after> + COUNT <count>: rdb.XRangeN(ctx, stream, \"(\"+after, \"+\", count)") +
			readme("Try this", "해 볼 것")
	}
	return r
}

// pageWrong explains a wrong page by the clause it breaks.
func pageWrong(all []string, what, after string, count int64, want, got []string) ex.Report {
	r := ex.Report{
		Want: lang.Pick(fmt.Sprintf("%s returns %s", what, show(want)), fmt.Sprintf("%s 호출 결과 %s", what, show(want))),
		Got: lang.Pick(fmt.Sprintf("%s\nthe stream: %s", show(got), show(all)),
			fmt.Sprintf("%s\nstream: %s", show(got), show(all))),
	}
	descending := len(got) >= 2 && slices.IsSortedFunc(got, func(a, b string) int { return compareIDs(b, a) })
	prefix := func(a, b []string) bool { return len(a) <= len(b) && slices.Equal(a, b[:len(a)]) }
	switch {
	case descending:
		r.Hint = clause(3) + lang.Pick(
			"oldest first: XRANGE reads in ID order, XREVRANGE from the newest backwards",
			"오래된 것부터: XRANGE는 ID 순서로, XREVRANGE는 최신부터 거꾸로 읽습니다") +
			readme("You should see, XREVRANGE reads backwards", "이런 출력이 보여야 한다, XREVRANGE는 거꾸로 읽는다")
	case after == "" && (len(got) == 0 || got[0] != all[0]):
		r.Hint = clause(1) + lang.Pick(
			fmt.Sprintf("with after empty, the first page starts with the stream's first entry, %s: start at -", all[0]),
			fmt.Sprintf("after가 비어 있으면 첫 페이지는 stream의 첫 엔트리(%s)에서 시작합니다. -에서 시작하세요", all[0])) +
			readme("Goal", "목표")
	case after != "" && len(got) > 0 && compareIDs(got[0], after) <= 0:
		r.Hint = clause(2) + lang.Pick(
			fmt.Sprintf("the page repeats %s, which the caller already had: XRANGE includes its start, so start with ( to exclude it: \"(\"+after", got[0]),
			fmt.Sprintf("페이지가 호출한 쪽이 이미 가진 엔트리(%s)를 되풀이합니다. XRANGE는 시작 ID를 포함하니 (로 시작해 빼세요: \"(\"+after", got[0])) +
			readme("Try this", "해 볼 것")
	case after != "" && len(want) > 0 && !slices.Contains(got, want[0]) && want[0] < after:
		r.Hint = clause(2) + lang.Pick(
			fmt.Sprintf("the page leaves out %s, though it comes after %s: compared as text, %q < %q. An ID is two numbers, <ms>-<seq>, not a string: let Redis compare them, start at \"(\"+after", want[0], after, want[0], after),
			fmt.Sprintf("페이지가 %s 엔트리를 빠뜨립니다. %s 뒤에 오는 엔트리인데, 글자로 비교하면 %q < %q이기 때문입니다. ID는 문자열이 아니라 두 수(<ms>-<seq>)입니다. 비교는 Redis에 맡기고 \"(\"+after에서 시작하세요", want[0], after, want[0], after)) +
			readme("Try this", "해 볼 것")
	case len(want) > 0 && (len(got) == 0 || got[0] != want[0]):
		skipped := want[0]
		text := lang.Pick(
			fmt.Sprintf("the page skips %s, the entry right after %s", skipped, after),
			fmt.Sprintf("페이지가 %s 바로 다음 엔트리(%s)를 건너뜁니다", after, skipped))
		if am, _ := splitID(after); after != "" {
			if sm, _ := splitID(skipped); sm == am {
				text += lang.Pick(
					fmt.Sprintf(", in the same millisecond: the next millisecond is too far. \"(\"+after leaves out %s alone", after),
					fmt.Sprintf(". 둘은 같은 밀리초에 있어서, 다음 밀리초부터 읽으면 너무 멉니다. \"(\"+after로 시작하면 %s 하나만 빠집니다", after))
			}
		}
		r.Hint = clause(2) + text + readme("Try this", "해 볼 것")
	case prefix(got, want):
		r.Hint = clause(4) + lang.Pick(
			fmt.Sprintf("%d entries, though %d were left: COUNT is the count given, not a number of your own", len(got), len(want)),
			fmt.Sprintf("엔트리가 %d개 남았는데 %d개만 반환했습니다. COUNT에는 직접 고른 수가 아니라 받은 count를 주세요", len(want), len(got))) +
			readme("Try this", "해 볼 것")
	case prefix(want, got) && int64(len(got)) > count:
		r.Hint = clause(4) + lang.Pick(
			fmt.Sprintf("%d entries for a count of %d: pass COUNT, rdb.XRangeN(ctx, stream, start, \"+\", count)", len(got), count),
			fmt.Sprintf("count가 %d인데 %d개를 반환했습니다. COUNT를 주세요: rdb.XRangeN(ctx, stream, start, \"+\", count)", count, len(got))) +
			readme("Try this", "해 볼 것")
	default:
		r.Hint = clause(2) + lang.Pick(
			"the count entries right after the ID after, in ID order, none left out: XRANGE user-notifications (<after> + COUNT <count>",
			"ID after 바로 다음부터 ID 순서로, 빠짐없이 count개: XRANGE user-notifications (<after> + COUNT <count>") +
			readme("Try this", "해 볼 것")
	}
	return r
}
