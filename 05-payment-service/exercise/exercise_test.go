package exercise

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/lang"
	ex "github.com/streams-workshop/kit/testkit/exercisetest"
)

// consumer is the shape of the three steps.
type consumer func(ctx context.Context, rdb *redis.Client, name string) error

// task is the step under test: its number, its function's name, and the
// function.
type task struct {
	n    int
	name string
	pay  consumer
}

const (
	// waitLimit bounds every wait for a consumer: a right one takes a few
	// hundred milliseconds.
	waitLimit = 5 * time.Second
	// stopLimit is how soon a consumer must return once its context is
	// cancelled (clause 4).
	stopLimit = 2 * time.Second
	// seedID is where the paymentProcessId counter stands when a scenario
	// starts: the payments of an earlier run hold 40 and 41.
	seedID = 41
	// faultKey holds a hash: a command of a plain pipeline that the test
	// fails once is sent to it instead, so that Redis refuses that one
	// command and runs the others, as it does.
	faultKey = "exercise:fault"
	// maxCrashPoints bounds the crash points tried in one scenario.
	maxCrashPoints = 16
	// quietRead is how long the learner's read of new orders waits here,
	// whatever its BLOCK says: every scenario waits for a few quiet reads.
	quietRead = 20 * time.Millisecond
)

// section names the README section that teaches a clause of a step, in
// English and in Korean.
func (s task) section(clause int) (string, string) {
	const (
		goal    = `README.md, "Goal"`
		goalKo  = `README.ko.md, "목표"`
		turn    = `README.md, "Your turn"`
		turnKo  = `README.ko.md, "여러분 차례"`
		lose    = `03-consumer-groups/README.md, "Why the tutorial's services can lose events"`
		loseKo  = `03-consumer-groups/README.ko.md, "원문의 서비스가 이벤트를 잃을 수 있는 이유"`
		crash   = `README.md, "Goal" and "Try this"`
		crashKo = `README.ko.md, "목표"와 "해 볼 것"`
	)
	switch {
	case s.n == 1 && (clause == 1 || clause == 2):
		return lose, loseKo
	case s.n == 2 && clause == 1:
		return crash, crashKo
	case clause == 3, s.n > 1 && clause == 2, s.n > 1 && clause == 5:
		return goal, goalKo
	default:
		return turn, turnKo
	}
}

// hint writes a hint that names the clause it is about and where the README
// teaches it.
func (s task) hint(clause int, en, ko string) string {
	secEn, secKo := s.section(clause)
	return lang.Pick(fmt.Sprintf("clause %d: %s (%s)", clause, en, secEn),
		fmt.Sprintf("조항 %d: %s (%s)", clause, ko, secKo))
}

// order is one order the test added.
type order struct {
	name    string            // how the test calls it: o-7
	id      string            // its entry ID
	fields  map[string]string // as written
	orderID string            // what its payment's orderId must be
}

// bench is one scenario's Redis: payments of an earlier run, the counter
// where they left it, the group, and the orders the test adds.
type bench struct {
	t      *testing.T
	task   task
	env    *ex.Env
	own    *redis.Client
	orders []order
	old    map[string]bool // entry IDs of the payments of the earlier run
	insts  []*instance

	mu        sync.Mutex
	alive     bool   // false once the test is over: hooks report nothing then
	violation string // the first command that broke a clause, as reported
}

func newBench(t *testing.T, s task) *bench {
	t.Helper()
	env := labFor(t)
	b := &bench{t: t, task: s, env: env, own: env.Client(), old: map[string]bool{}, alive: true}
	t.Cleanup(func() {
		b.mu.Lock()
		b.alive = false
		b.mu.Unlock()
	})
	ctx := context.Background()
	// Each scenario starts from an empty Redis: the consumers of the one
	// before have all returned.
	b.must(b.own.FlushAll(ctx).Err())
	// An earlier run paid two orders: they stay in order-events, before the
	// group's start, and their payments hold paymentProcessId 40 and 41.
	for _, n := range []int{40, 41} {
		orderID := fmt.Sprintf("old-%d", n)
		b.must(b.own.XAdd(ctx, &redis.XAddArgs{Stream: orders, Values: []any{
			"userId", "user-old", "productId", "product-old", "price", "10", "orderId", orderID}}).Err())
		id, err := b.own.XAdd(ctx, &redis.XAddArgs{Stream: payments, Values: []any{
			"userId", "user-old", "productId", "product-old", "price", "10",
			"paymentProcessId", strconv.Itoa(n), "orderId", orderID}}).Result()
		b.must(err)
		b.old[id] = true
	}
	b.must(b.own.Set(ctx, paymentProcessIDs, seedID, 0).Err())
	b.must(b.own.XGroupCreateMkStream(ctx, orders, group, "$").Err())
	b.must(b.own.HSet(ctx, faultKey, "what", "a key of the wrong type, for a command the test fails once").Err())
	return b
}

// labs holds each test's Redis: one server a test, emptied between its
// scenarios, for a server takes longer to start than a scenario to run.
var labs sync.Map // *testing.T → *ex.Env

func labFor(t *testing.T) *ex.Env {
	if env, ok := labs.Load(t); ok {
		return env.(*ex.Env)
	}
	env := ex.Start(t)
	// A real Redis times out a blocked read at its next cron tick: ten a
	// second by default, a hundred here. (The embedded one has no such tick.)
	c := env.Client()
	_ = c.ConfigSet(context.Background(), "hz", "100").Err()
	labs.Store(t, env)
	t.Cleanup(func() { labs.Delete(t) })
	return env
}

func (b *bench) must(err error) {
	b.t.Helper()
	if err != nil {
		b.t.Fatal(err)
	}
}

var prices = []string{"1000", "12.50", "0.10", "5000", "99.99", "7"}

// addOrders adds n orders at once (one MULTI, so that a consumer waiting for
// new entries finds them all), with IDs that share one millisecond. Their
// users, products and prices differ; every fifth order has no orderId, as
// Spring's order service writes it, and its payment takes the entry ID.
func (b *bench) addOrders(n int) []order {
	b.t.Helper()
	ctx := context.Background()
	ms := time.Now().UnixMilli()
	if last, err := b.own.XRevRangeN(ctx, orders, "+", "-", 1).Result(); err == nil && len(last) == 1 {
		lastMs, _ := strconv.ParseInt(strings.SplitN(last[0].ID, "-", 2)[0], 10, 64)
		ms = max(ms, lastMs+1)
	}
	added := make([]order, n)
	_, err := b.own.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		for i := range added {
			k := len(b.orders) + i + 1
			o := order{name: fmt.Sprintf("o-%d", k), id: fmt.Sprintf("%d-%d", ms, i), fields: map[string]string{
				"userId": fmt.Sprintf("user-%d", k), "productId": fmt.Sprintf("product-%d", k%4+1), "price": prices[k%len(prices)],
			}}
			if k%7 == 3 {
				o.fields["userId"] = fmt.Sprintf("사용자-%d", k)
			}
			values := []any{"userId", o.fields["userId"], "productId", o.fields["productId"], "price", o.fields["price"]}
			o.orderID = o.id
			if k%5 != 0 {
				o.fields["orderId"] = o.name
				o.orderID = o.name
				values = append(values, "orderId", o.name)
			}
			pipe.XAdd(ctx, &redis.XAddArgs{Stream: orders, ID: o.id, Values: values})
			added[i] = o
		}
		return nil
	})
	b.must(err)
	b.orders = append(b.orders, added...)
	return added
}

// hold reads n new orders as consumer name, and acks none: as if that
// consumer had read them and died (or were still at work on them).
func (b *bench) hold(name string, n int) {
	b.t.Helper()
	_, err := b.own.XReadGroup(context.Background(), &redis.XReadGroupArgs{
		Group: group, Consumer: name, Streams: []string{orders, ">"}, Count: int64(n), Block: -1,
	}).Result()
	b.must(err)
}

// names lists orders by name: o-1, o-2 and o-3.
func names(os []order) string {
	var s []string
	for _, o := range os {
		s = append(s, o.name)
	}
	if len(s) > 6 {
		return s[0] + " … " + s[len(s)-1]
	}
	return strings.Join(s, ", ")
}

// ---------------------------------------------------------------------------
// A consumer under test

// plan is what the test does to one consumer.
type plan struct {
	// crashAt: -1 never; 0 right after the first read that delivers orders
	// (its reply is lost); k just after the k-th command after that read ran
	// in Redis (its reply is lost).
	crashAt int
	// pause holds the consumer before the first command after that read,
	// until released.
	pause bool
}

var never = plan{crashAt: -1}

// instance is one run of the learner's consumer, as one process of the
// service: its own client, watched by the test.
type instance struct {
	b    *bench
	name string
	plan plan
	c    *ex.Consumer

	stopOnce sync.Once
	relOnce  sync.Once
	stopCh   chan struct{}
	done     chan struct{} // closed when the learner's function has returned for good

	mu          sync.Mutex
	sent        int64         // commands (or pipelines) sent so far
	idleAt      int64         // the number of the last read of new orders that found none
	changed     chan struct{} // closed and replaced at each command
	log         []string      // the last commands
	armed       bool          // a read has delivered orders
	steps       int           // commands since then
	completed   bool          // went idle after it had orders: its crash point was never reached
	crashedAt   string        // the command right after which it crashed
	crashedName string        // its name, or the names of a pipeline's commands
	crashed     chan struct{}
	paused      chan struct{}
	release     chan struct{}
	failKind    string            // the kind of command to fail once, when it next comes: see failNext
	injected    map[string]string // kind → the command the test failed
	errCmds     map[string]string // an error a command got → that command's name
	pipelined   bool              // sent the payment in a plain pipeline
	usedMulti   bool
	usedEval    bool
	noack       bool
	emptyZero   int             // pending reads in a row that found none
	delivered   map[string]int  // entry ID → times a read or claim handed it to this consumer
	acked       map[string]bool // entry IDs this consumer sent to XACK
	returned    []error         // the test's errors it returned; it was started again after each
	early       []error         // set (one element) when it returned while it should have run on
	final       error           // what it returned once stopped
	finalSet    bool            // final is set
	readErrs    map[string]bool // errors its reads got, for the hints
}

// run starts the learner's consumer called name.
func (b *bench) run(name string, p plan) *instance {
	in := &instance{b: b, name: name, plan: p, stopCh: make(chan struct{}), done: make(chan struct{}),
		changed: make(chan struct{}), crashed: make(chan struct{}), paused: make(chan struct{}),
		release: make(chan struct{}), injected: map[string]string{}, delivered: map[string]int{}, acked: map[string]bool{},
		readErrs: map[string]bool{}, errCmds: map[string]string{}}
	// The fault runs before the consumer starts: in.c is set once, before any
	// command.
	b.env.Go(name, in.body, func(c *ex.Consumer) ex.Hook {
		in.c = c
		return in.hook
	})
	b.insts = append(b.insts, in)
	b.t.Cleanup(in.unpause)
	return in
}

// body runs the learner's function as a supervisor runs a service: started
// again when it exits with an error the test caused, until it is stopped.
func (in *instance) body(ctx context.Context, rdb *redis.Client) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-in.stopCh:
			cancel()
		case <-ctx.Done():
		}
	}()
	defer close(in.done)
	for restarts := 0; ; restarts++ {
		err := in.b.task.pay(ctx, rdb, in.name)
		in.mu.Lock()
		switch {
		case ctx.Err() != nil:
			in.final, in.finalSet = err, true
		case err != nil && isInjected(err) && restarts < 8:
			in.returned = append(in.returned, err)
			in.mu.Unlock()
			continue
		default:
			in.early = []error{err}
		}
		in.mu.Unlock()
		return nil
	}
}

// injectedError is the error of a command the test failed once.
type injectedError struct{ cmd string }

func (e *injectedError) Error() string {
	return fmt.Sprintf("OOM command not allowed when used memory > 'maxmemory' (the test failed this %s once; the connection is fine)", e.cmd)
}

func isInjected(err error) bool {
	var ie *injectedError
	return errors.As(err, &ie) || strings.Contains(err.Error(), "the test failed this")
}

// hook watches every command of the consumer, and does what the plan says.
func (in *instance) hook(ctx context.Context, cmds []redis.Cmder, send func() error) error {
	switch cmds[0].Name() {
	case "hello", "client", "auth", "select": // go-redis's own, on each new connection
		return send()
	}
	in.mu.Lock()
	in.sent++
	n := in.sent
	in.log = append(in.log, showAll(cmds))
	if len(in.log) > 12 {
		in.log = in.log[len(in.log)-12:]
	}
	step := 0
	if in.armed && !in.completed {
		in.steps++
		step = in.steps
	}
	in.noteKinds(cmds)
	in.mu.Unlock()

	in.inspectAll(cmds)
	if step == 1 && in.plan.pause {
		in.mu.Lock()
		select {
		case <-in.paused:
		default:
			close(in.paused)
		}
		in.mu.Unlock()
		<-in.release
	}
	if i, ierr := in.pick(cmds); ierr != nil {
		// Redis refuses that command with an error, and the connection stays
		// up. A single command, a MULTI (refused whole, as with EXECABORT) or
		// a script fails before it is sent. In a plain pipeline only that
		// command fails, and Redis runs the others: it goes to a key of the
		// wrong type.
		if len(cmds) > 1 && cmds[0].Name() != "multi" && !isScript(cmds[i]) {
			cmds[i].Args()[1] = faultKey
			_ = send()
			cmds[i].SetErr(ierr)
			in.after(cmds, n, 0)
			return firstErr(cmds)
		}
		for _, cmd := range cmds {
			cmd.SetErr(ierr)
		}
		in.after(cmds, n, 0)
		return ierr
	}
	err := send()
	if len(cmds) == 1 && err != nil && cmds[0].Err() == nil {
		cmds[0].SetErr(err) // go-redis sets it only once the hooks have returned
	}
	for _, cmd := range cmds {
		trimPendingRead(cmd)
	}
	if crash := in.after(cmds, n, step); crash {
		names := make([]string, len(cmds))
		for i, cmd := range cmds {
			names[i] = strings.ToUpper(cmd.Name())
		}
		in.mu.Lock()
		in.crashedAt, in.crashedName = showAll(cmds), strings.Join(names, "+")
		in.mu.Unlock()
		in.c.Crash()
		close(in.crashed)
		for _, cmd := range cmds {
			cmd.SetErr(ex.ErrCrashed)
		}
		return ex.ErrCrashed
	}
	return err
}

// noteKinds notes how the consumer pays, for the hints.
func (in *instance) noteKinds(cmds []redis.Cmder) {
	for _, cmd := range cmds {
		switch cmd.Name() {
		case "multi":
			in.usedMulti = true
		case "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro":
			in.usedEval = true
		}
	}
	if len(cmds) > 1 && cmds[0].Name() != "multi" {
		for _, cmd := range cmds {
			if isPaymentAdd(cmd) {
				in.pipelined = true
			}
		}
	}
}

// after notes what a command's reply says, and tells whether the consumer
// crashes now.
func (in *instance) after(cmds []redis.Cmder, n int64, step int) (crash bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	idle := len(cmds) == 1 && isEmptyNewRead(cmds[0])
	got := 0
	for _, cmd := range cmds {
		if err := cmd.Err(); err != nil && !errors.Is(err, redis.Nil) {
			in.errCmds[err.Error()] = strings.ToUpper(cmd.Name())
		}
		for _, id := range deliveredIDs(cmd) {
			in.delivered[id]++
			got++
		}
		if args := cmd.Args(); cmd.Name() == "xack" && len(args) > 3 {
			for _, id := range args[3:] {
				in.acked[fmt.Sprint(id)] = true
			}
		}
		if isGroupRead(cmd) {
			if err := cmd.Err(); err != nil && !errors.Is(err, redis.Nil) {
				in.readErrs[err.Error()] = true
			}
			if hasArg(cmd, "noack") {
				in.noack = true
			}
			if in.b.task.n > 1 {
				in.checkPendingLoop(cmd)
			}
		}
	}
	if idle {
		in.idleAt = n
		if in.armed {
			in.completed = true
		}
	}
	close(in.changed)
	in.changed = make(chan struct{})
	switch {
	case !in.armed && got > 0 && isGroupRead(cmds[0]):
		in.armed = true
		return in.plan.crashAt == 0
	case step > 0 && step == in.plan.crashAt && !idle:
		return true
	}
	return false
}

// checkPendingLoop: a read of pending orders (an ID other than '>') that
// finds none means none are left; a second such read in a row, without a
// read of new orders between, is a loop that never gets to '>'.
func (in *instance) checkPendingLoop(cmd redis.Cmder) {
	ids := ex.ReadIDs(cmd)
	if len(ids) == 0 || cmd.Err() != nil && !errors.Is(cmd.Err(), redis.Nil) {
		return
	}
	if ids[0] == ">" {
		in.emptyZero = 0
		return
	}
	if ex.Delivered(cmd) > 0 {
		in.emptyZero = 0
		return
	}
	in.emptyZero++
	if in.emptyZero == 3 {
		s := in.b.task
		go in.b.report(ex.Report{
			Want: lang.Pick(fmt.Sprintf("%s reads its pending orders until a read returns none, then new ones ('>')", in.name),
				fmt.Sprintf("%s: pending 주문을 읽다가 하나도 없으면 새 주문('>')을 읽음", in.name)),
			Got: lang.Pick(fmt.Sprintf("it read %s three times in a row, and each found none", ex.Show(cmd)),
				fmt.Sprintf("%s 읽기를 세 번 잇달아 했고, 세 번 다 빈 응답이었습니다", ex.Show(cmd))),
			Hint: s.hint(2, "a read of ID 0 that returns no order means none is pending any more: switch to '>' then, and keep reading '>'",
				"ID 0 읽기가 주문을 하나도 돌려주지 않으면 더는 pending이 없다는 뜻입니다. 그때 '>'로 바꾸고, 그다음부터는 '>'로 읽으세요"),
		})
	}
}

// inspect checks what the lesson is about in the commands themselves: a read
// in the group, as the consumer given, of '>' with BLOCK (and in step 1,
// only '>').
func (in *instance) inspect(cmds []redis.Cmder) {
	s := in.b.task
	readClause := 2
	if s.n == 1 {
		readClause = 1
	}
	for _, cmd := range cmds {
		args := cmd.Args()
		switch cmd.Name() {
		case "xread":
			in.b.report(ex.Report{
				Want: lang.Pick("orders read in the group payment-service-group", "payment-service-group 그룹에서 읽은 주문"),
				Got:  ex.Show(cmd),
				Hint: s.hint(readClause, "XREAD reads the stream for itself: no group, no pending list, no ack, and every instance would pay every order. Read with XREADGROUP GROUP payment-service-group <consumer>",
					"XREAD 명령은 그룹 없이 stream을 혼자 읽습니다. pending 목록도 ack도 없고, 인스턴스마다 모든 주문을 결제하게 됩니다. XREADGROUP GROUP payment-service-group <consumer> 명령으로 읽으세요"),
			})
		case "xreadgroup":
			if len(args) < 4 {
				continue
			}
			if g := fmt.Sprint(args[2]); g != group {
				in.b.report(ex.Report{
					Want: lang.Pick("a read in the group payment-service-group", "payment-service-group 그룹에서 읽기"),
					Got:  ex.Show(cmd),
					Hint: s.hint(readClause, "read in the group the test made: Group: group (payment-service-group)",
						"테스트가 만든 그룹에서 읽으세요: Group: group (payment-service-group)"),
				})
			}
			if c := fmt.Sprint(args[3]); c != in.name {
				in.b.report(ex.Report{
					Want: lang.Pick(fmt.Sprintf("a read as the consumer the function is given (%s)", in.name),
						fmt.Sprintf("함수가 받은 consumer 이름(%s)으로 읽기", in.name)),
					Got: ex.Show(cmd),
					Hint: s.hint(readClause, "read as Consumer: consumer, the name your function is given: each instance has its own, and its pending orders are under that name",
						"함수가 받은 이름 그대로 읽으세요(Consumer: consumer). 인스턴스마다 이름이 따로 있고, pending 주문도 그 이름 아래 있습니다"),
				})
			}
			for _, id := range ex.ReadIDs(cmd) {
				if id != ">" {
					// Redis ignores BLOCK for pending entries: even BLOCK 0
					// answers at once, so the test's guard must not see it.
					if i, ms := ex.BlockArg(cmd); i >= 0 && ms == 0 {
						args[i] = quietRead.Milliseconds()
					}
					if s.n == 1 {
						in.b.report(ex.Report{
							Want: lang.Pick("step 1 reads only new orders ('>'), with NOACK", "1단계는 새 주문('>')만 NOACK 옵션으로 읽음"),
							Got:  ex.Show(cmd),
							Hint: s.hint(1, "with NOACK nothing is ever pending, so a read of ID 0 (or any ID but '>') finds nothing: read Streams: []string{orders, \">\"} with NoAck: true, as the tutorial does",
								"NOACK 옵션으로 읽으면 pending이 생기지 않으니 ID 0(또는 '>' 아닌 어떤 ID) 읽기는 아무것도 찾지 못합니다. 원문처럼 읽으세요: NoAck: true, Streams: []string{orders, \">\"}"),
						})
					}
					continue
				}
				i, ms := ex.BlockArg(cmd)
				if i >= 0 && time.Duration(ms)*time.Millisecond > quietRead {
					args[i] = quietRead.Milliseconds()
				}
				if i < 0 || ms == 0 {
					got := lang.Pick(ex.Show(cmd)+": no BLOCK, so a quiet stream answers at once, and the loop spins",
						ex.Show(cmd)+": BLOCK 인자가 없어서 조용한 stream도 곧바로 답하고, 반복문이 헛돕니다")
					if i >= 0 {
						got = lang.Pick(ex.Show(cmd)+": BLOCK 0 waits forever, so your consumer could never stop",
							ex.Show(cmd)+": BLOCK 0은 영원히 기다리므로 consumer가 멈출 수 없습니다")
					}
					in.b.report(ex.Report{
						Want: lang.Pick("a read of new orders that waits a while (Block: time.Second)", "잠시 기다리는 새 주문 읽기(Block: time.Second)"),
						Got:  got,
						Hint: s.hint(4, "Block is a time.Duration: Block: time.Second. Its zero value (and anything under a millisecond) sends BLOCK 0, and -1 sends none",
							"Block 필드는 time.Duration 타입입니다. Block: time.Second처럼 쓰세요. 기본값 0과 1 ms 미만의 값은 BLOCK 0을 보내고, -1은 BLOCK 인자를 아예 보내지 않습니다"),
					})
				}
			}
		}
	}
}

// report fails the test at once with r, the first time a command breaks a
// clause; the test stops at its next wait.
func (b *bench) report(r ex.Report) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.alive || b.violation != "" {
		return
	}
	b.violation = r.String()
	ex.Fail(b.t, r)
}

// stopOnViolation ends the test when a command broke a clause: the failure
// has been reported already.
func (b *bench) stopOnViolation() {
	b.t.Helper()
	b.mu.Lock()
	v := b.violation
	b.mu.Unlock()
	if v != "" {
		b.t.FailNow()
	}
}

// failNext makes the next command of kind fail once, with an error while the
// connection stays up: "read" (XREADGROUP), "incr", "pay" (the XADD of a
// payment, the script, or the MULTI that holds the XADD) or "xack".
func (in *instance) failNext(kind string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.failKind = kind
	delete(in.injected, kind)
}

// kindOf finds the command of cmds to fail: the first of the kind armed.
func (in *instance) kindOf(cmds []redis.Cmder) (string, int) {
	for i, cmd := range cmds {
		var kind string
		switch {
		case isGroupRead(cmd):
			kind = "read"
		case cmd.Name() == "incr" || cmd.Name() == "incrby":
			kind = "incr"
		case isPaymentAdd(cmd) || isScript(cmd):
			kind = "pay"
		case cmd.Name() == "xack":
			kind = "xack"
		default:
			continue
		}
		if kind == in.failKind {
			return kind, i
		}
	}
	return "", -1
}

// pick chooses the command to fail once, of a kind the plan names, the first
// time it comes, and notes it.
func (in *instance) pick(cmds []redis.Cmder) (int, *injectedError) {
	in.mu.Lock()
	defer in.mu.Unlock()
	kind, i := in.kindOf(cmds)
	if kind == "" {
		return -1, nil
	}
	in.injected[kind] = ex.Show(cmds[i])
	in.failKind = ""
	return i, &injectedError{cmd: strings.ToUpper(cmds[i].Name())}
}

func firstErr(cmds []redis.Cmder) error {
	for _, cmd := range cmds {
		if err := cmd.Err(); err != nil {
			return err
		}
	}
	return nil
}

func isPaymentAdd(cmd redis.Cmder) bool {
	args := cmd.Args()
	return cmd.Name() == "xadd" && len(args) > 1 && fmt.Sprint(args[1]) == payments
}

func isScript(cmd redis.Cmder) bool {
	switch cmd.Name() {
	case "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro":
		return true
	}
	return false
}

func isGroupRead(cmd redis.Cmder) bool { return cmd.Name() == "xreadgroup" }

func hasArg(cmd redis.Cmder, word string) bool {
	for _, a := range cmd.Args() {
		if s, ok := a.(string); ok && strings.EqualFold(s, word) {
			return true
		}
	}
	return false
}

// trimPendingRead keeps a read of pending entries to its COUNT, as Redis
// does; the embedded broker hands out all of them.
func trimPendingRead(cmd redis.Cmder) {
	c, ok := cmd.(*redis.XStreamSliceCmd)
	if !ok || !isGroupRead(cmd) || c.Err() != nil {
		return
	}
	if ids := ex.ReadIDs(cmd); len(ids) == 0 || ids[0] == ">" {
		return
	}
	args := cmd.Args()
	count := int64(0)
	for i := 1; i+1 < len(args); i++ {
		if s, _ := args[i].(string); strings.EqualFold(s, "count") {
			count, _ = strconv.ParseInt(fmt.Sprint(args[i+1]), 10, 64)
		}
	}
	if count <= 0 {
		return
	}
	streams := c.Val()
	for i := range streams {
		if int64(len(streams[i].Messages)) > count {
			streams[i].Messages = streams[i].Messages[:count]
		}
	}
	c.SetVal(streams)
}

// isEmptyNewRead reports whether cmd read new orders ('>') in the group and
// got none.
func isEmptyNewRead(cmd redis.Cmder) bool {
	if !isGroupRead(cmd) {
		return false
	}
	ids := ex.ReadIDs(cmd)
	if len(ids) == 0 || ids[0] != ">" {
		return false
	}
	if errors.Is(cmd.Err(), redis.Nil) {
		return true
	}
	return cmd.Err() == nil && ex.Delivered(cmd) == 0
}

// deliveredIDs lists the order IDs a read or a claim handed over.
func deliveredIDs(cmd redis.Cmder) []string {
	var ids []string
	switch c := cmd.(type) {
	case *redis.XStreamSliceCmd:
		for _, s := range c.Val() {
			if s.Stream != orders {
				continue
			}
			for _, m := range s.Messages {
				ids = append(ids, m.ID)
			}
		}
	case *redis.XAutoClaimCmd:
		msgs, _ := c.Val()
		for _, m := range msgs {
			ids = append(ids, m.ID)
		}
	case *redis.XMessageSliceCmd:
		if cmd.Name() == "xclaim" {
			for _, m := range c.Val() {
				ids = append(ids, m.ID)
			}
		}
	}
	return ids
}

func showAll(cmds []redis.Cmder) string {
	parts := make([]string, len(cmds))
	for i, cmd := range cmds {
		parts[i] = ex.Show(cmd)
	}
	s := strings.Join(parts, "; ")
	if len(s) > 200 {
		s = s[:199] + "…"
	}
	return s
}

// unpause lets a paused consumer go on.
func (in *instance) unpause() { in.relOnce.Do(func() { close(in.release) }) }

// lastCommands lists the consumer's last commands, one a line.
func (in *instance) lastCommands() string {
	in.mu.Lock()
	defer in.mu.Unlock()
	if len(in.log) == 0 {
		return lang.Pick("  (none)", "  (없음)")
	}
	return "  " + strings.Join(in.log, "\n  ")
}

// waitIdle waits until the consumer, after this call, reads new orders and
// finds none: it has done all it had to. doing says what the test did.
func (in *instance) waitIdle(doing string) {
	b := in.b
	b.t.Helper()
	in.mu.Lock()
	mark := in.sent
	in.mu.Unlock()
	deadline := time.After(waitLimit)
	for {
		b.stopOnViolation()
		in.mu.Lock()
		idle, changed := in.idleAt, in.changed
		in.mu.Unlock()
		if idle > mark {
			return
		}
		select {
		case <-changed:
		case <-in.done:
			b.stopOnViolation()
			in.fatalReturned(doing)
		case <-deadline:
			b.stopOnViolation()
			in.fatalStuck(doing)
		}
	}
}

// waitPaused waits until the consumer is held after its read.
func (in *instance) waitPaused(doing string) {
	in.b.t.Helper()
	select {
	case <-in.paused:
	case <-in.done:
		in.b.stopOnViolation()
		in.fatalReturned(doing)
	case <-time.After(waitLimit):
		in.b.stopOnViolation()
		in.fatalStuck(doing)
	}
}

// waitCrash waits until the consumer crashed at its crash point (true), or
// went idle before it came to it (false): then every point is covered.
func (in *instance) waitCrash(doing string) bool {
	b := in.b
	b.t.Helper()
	deadline := time.After(waitLimit)
	for {
		b.stopOnViolation()
		select {
		case <-in.crashed:
			in.waitReturned(doing)
			return true
		default:
		}
		in.mu.Lock()
		completed, changed := in.completed, in.changed
		in.mu.Unlock()
		if completed {
			return false
		}
		select {
		case <-changed:
		case <-in.crashed:
		case <-in.done:
			select {
			case <-in.crashed:
				continue
			default:
			}
			b.stopOnViolation()
			in.fatalReturned(doing)
		case <-deadline:
			b.stopOnViolation()
			in.fatalStuck(doing)
		}
	}
}

// waitReturned waits until the consumer's function has returned, once its
// context is cancelled.
func (in *instance) waitReturned(doing string) {
	in.b.t.Helper()
	select {
	case <-in.done:
	case <-time.After(stopLimit + 500*time.Millisecond):
		s := in.b.task
		ex.Fatal(in.b.t, ex.Report{
			Want: lang.Pick(fmt.Sprintf("%s returns within %s once its context is cancelled", in.name, stopLimit),
				fmt.Sprintf("%s: context가 취소되면 %s 안에 끝남", in.name, stopLimit)),
			Got: lang.Pick(fmt.Sprintf("%s\nit was still running %s after its context was cancelled. Its last commands:\n%s", doing, stopLimit+500*time.Millisecond, in.lastCommands()),
				fmt.Sprintf("%s\ncontext가 취소되고 %s가 지나도 아직 돌고 있었습니다. 마지막 명령들:\n%s", doing, stopLimit+500*time.Millisecond, in.lastCommands())),
			Hint: s.hint(4, "pass ctx to every command, and check ctx.Err() in the loop: return nil once it is not nil, even when a command keeps failing",
				"모든 명령에 ctx를 넘기고, 반복문에서 ctx.Err()를 확인하세요. nil이 아니게 되면, 명령이 계속 실패하더라도 nil을 돌려주고 끝내세요"),
		})
	}
}

// stop cancels the consumer's context: it must return nil, within stopLimit.
func (in *instance) stop(doing string) {
	b := in.b
	b.t.Helper()
	in.stopOnce.Do(func() { close(in.stopCh) })
	in.waitReturned(doing)
	in.mu.Lock()
	early, final, finalSet := in.early, in.final, in.finalSet
	in.mu.Unlock()
	if len(early) > 0 {
		in.fatalReturned(doing)
	}
	if finalSet && final != nil && !errors.Is(final, ex.ErrCrashed) {
		ex.Fatal(b.t, ex.Report{
			Want: lang.Pick(fmt.Sprintf("%s returns nil once its context is cancelled", in.name),
				fmt.Sprintf("%s: context가 취소되면 nil을 돌려줌", in.name)),
			Got: lang.Pick(fmt.Sprintf("it returned: %v", final), fmt.Sprintf("돌려준 값: %v", final)),
			Hint: b.task.hint(4, "stopping is not a failure: when ctx.Err() != nil, return nil, whatever the command in hand answered (here a read or a write gets the context's error)",
				"멈추는 것은 실패가 아닙니다. ctx.Err() != nil이면, 하던 명령이 무엇을 돌려줬든(여기서는 context의 에러) nil을 돌려주세요"),
		})
	}
	in.c.Stop()
}

// fatalReturned fails the test: the consumer's function returned while it
// should have run on.
func (in *instance) fatalReturned(doing string) {
	b, s := in.b, in.b.task
	b.t.Helper()
	in.mu.Lock()
	var err error
	if len(in.early) > 0 {
		err = in.early[0]
	}
	from := ""
	if err != nil {
		from = in.errCmds[err.Error()]
		for msg, cmd := range in.errCmds {
			if from == "" && strings.Contains(err.Error(), msg) {
				from = cmd
			}
		}
	}
	in.mu.Unlock()
	got := lang.Pick(fmt.Sprintf("%s\n%s returned nil, though its context was not cancelled", doing, in.name),
		fmt.Sprintf("%s\ncontext가 취소되지 않았는데 %s 함수가 nil을 돌려주고 끝났습니다", doing, in.name))
	if err != nil {
		got = lang.Pick(fmt.Sprintf("%s\n%s returned: %v\n(its context was not cancelled; its last commands:)\n%s", doing, in.name, err, in.lastCommands()),
			fmt.Sprintf("%s\n%s 함수가 돌려준 에러: %v\n(context는 취소되지 않았습니다. 마지막 명령들:)\n%s", doing, in.name, err, in.lastCommands()))
	}
	readClause := 2
	if s.n == 1 {
		readClause = 1
	}
	var hint string
	var rerr redis.Error
	in.mu.Lock()
	injected := len(in.injected) > 0
	in.mu.Unlock()
	switch {
	case err == nil && injected:
		hint = s.hint(5, "when a command fails (here the test failed one, once), return its error, or try the command again: nil says the consumer was stopped, and the service would exit as if all were well",
			"명령이 실패하면(여기서는 테스트가 한 번 실패시켰습니다) 그 에러를 돌려주거나 명령을 다시 시도하세요. nil을 돌려주면 멈추라고 해서 멈춘 것처럼 보여서, 서비스가 아무 일 없는 듯 끝나 버립니다")
	case err == nil:
		hint = s.hint(4, "return only once ctx is cancelled, or with the error of a command that failed: otherwise read again",
			"ctx가 취소됐을 때, 또는 명령이 실패해 그 에러를 돌려줄 때만 끝내세요. 그 밖에는 다시 읽으세요")
	case errors.Is(err, redis.Nil):
		hint = s.hint(4, "redis.Nil is what a read that finds nothing answers: a quiet second, not an error. Read again",
			"redis.Nil은 읽을 것이 없을 때의 답일 뿐, 에러가 아닙니다. 다시 읽으세요")
	case strings.Contains(err.Error(), "BUSYGROUP"):
		hint = s.hint(4, "BUSYGROUP says the group exists already (the test made it): that is fine, go on",
			"BUSYGROUP은 그룹이 이미 있다는 뜻입니다(테스트가 만들었습니다). 괜찮으니 그대로 진행하세요")
	case strings.Contains(err.Error(), "NOGROUP"):
		hint = s.hint(readClause, "read in the group payment-service-group of order-events: Group: group, Streams: []string{orders, ...}",
			"order-events의 payment-service-group 그룹에서 읽으세요: Group: group, Streams: []string{orders, ...}")
	case strings.Contains(err.Error(), "meaningless") || strings.Contains(err.Error(), "Invalid stream ID"):
		hint = s.hint(readClause, "in a group, '>' asks for new orders ('$' is XREAD's), and \"0\" for your own pending ones",
			"그룹에서 읽을 때 새 주문은 ID '>', 자기 pending 주문은 ID \"0\"입니다('$'는 XREAD에서 씁니다)")
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		hint = s.hint(4, "it returned a context's error though its ctx was not cancelled: use the ctx it is given, not a context with a timeout of its own",
			"ctx가 취소되지 않았는데 context 에러를 돌려줬습니다. 따로 만든 timeout context가 아니라 받은 ctx를 쓰세요")
	case s.n == 3 && (strings.HasPrefix(from, "EVAL") || strings.HasPrefix(from, "FCALL")):
		hint = s.hint(1, "the script failed in Redis (the error is above), and the consumer stopped: check its KEYS (order-events, payment-events) and ARGV (the group, the order's ID, the payment's fields), and load it with redis.NewScript(...).Run or EVAL. An order that another consumer acked already is no error: XACK answers 0, and the script returns without paying",
			"스크립트가 Redis 안에서 실패했고(에러는 위에 있습니다), consumer가 멈췄습니다. KEYS(order-events, payment-events)와 ARGV(그룹, 주문의 ID, 결제 필드)를 확인하고, redis.NewScript(...).Run이나 EVAL로 실행하세요. 다른 consumer가 이미 ack한 주문은 에러가 아닙니다. XACK 명령이 0을 돌려주면 스크립트는 결제하지 않고 끝납니다")
	case from == "INCR" || from == "INCRBY" || from == "XADD":
		hint = s.hint(3, fmt.Sprintf("Redis refused its %s: INCR the key paymentProcessIDs ({payment-events}:payment-process-id), and XADD the payment to payment-events", from),
			fmt.Sprintf("Redis가 %s 명령을 거절했습니다. INCR 명령은 paymentProcessIDs 키({payment-events}:payment-process-id)에, 결제 XADD 명령은 payment-events에 보내세요", from))
	case errors.As(err, &rerr) || from != "":
		hint = s.hint(4, "Redis refused one of its commands (the last ones are above): look at that command's key and arguments. Return only when ctx is cancelled, or with the error of a command that failed",
			"Redis가 명령 하나를 거절했습니다(마지막 명령들이 위에 있습니다). 그 명령의 키와 인자를 살펴보세요. ctx가 취소됐을 때, 또는 명령이 실패했을 때만 끝내세요")
	default:
		hint = s.hint(4, "it returned an error though no command of it failed: return only when ctx is cancelled, or with the error of a command that failed",
			"실패한 명령이 없는데 에러를 돌려줬습니다. ctx가 취소됐을 때, 또는 명령이 실패해 그 에러를 돌려줄 때만 끝내세요")
	}
	ex.Fatal(b.t, ex.Report{
		Want: lang.Pick(fmt.Sprintf("%s keeps running until its context is cancelled", in.name),
			fmt.Sprintf("%s: context가 취소될 때까지 계속 돎", in.name)),
		Got:  got,
		Hint: hint,
	})
}

// fatalStuck fails the test: the consumer never got to read new orders and
// find none.
func (in *instance) fatalStuck(doing string) {
	b, s := in.b, in.b.task
	b.t.Helper()
	in.mu.Lock()
	var errs []string
	for e := range in.readErrs {
		errs = append(errs, e)
	}
	in.mu.Unlock()
	sort.Strings(errs)
	got := lang.Pick(fmt.Sprintf("%s\nwithin %s, %s never read new orders ('>') and found none. Its last commands:\n%s", doing, waitLimit, in.name, in.lastCommands()),
		fmt.Sprintf("%s\n%s 안에 %s 쪽에서 새 주문('>')을 읽어 빈 응답을 받은 적이 없습니다. 마지막 명령들:\n%s", doing, waitLimit, in.name, in.lastCommands()))
	if len(errs) > 0 {
		got += lang.Pick("\nits reads got: ", "\n읽기가 받은 에러: ") + strings.Join(errs, "; ")
	}
	hint := s.hint(2, "after its pending orders (ID 0, until a read returns none), a consumer reads new ones ('>'), again and again",
		"pending 주문(ID 0, 읽기가 빈 응답을 줄 때까지) 다음에는 새 주문('>')을 계속 읽으세요")
	if s.n == 1 {
		hint = s.hint(1, "in a loop, read new orders ('>') with XREADGROUP in the group, and pay each one",
			"반복문에서 그룹의 새 주문('>')을 XREADGROUP으로 읽고, 하나씩 결제하세요")
	}
	ex.Fatal(b.t, ex.Report{
		Want: lang.Pick(fmt.Sprintf("%s does its work, then waits for new orders", in.name),
			fmt.Sprintf("%s: 할 일을 마치고 새 주문을 기다림", in.name)),
		Got:  got,
		Hint: hint,
	})
}

// ---------------------------------------------------------------------------
// What Redis holds

// outcome is what the consumers left: the payments, the pending orders and
// the counter.
type outcome struct {
	fresh   []redis.XMessage            // payments made in this scenario
	byOrder map[string][]redis.XMessage // order name → its payments
	strange []redis.XMessage            // payments of no order of this scenario
	pending map[string]redis.XPendingExt
	counter int64
}

func (b *bench) look() *outcome {
	b.t.Helper()
	ctx := context.Background()
	all, err := b.own.XRange(ctx, payments, "-", "+").Result()
	b.must(err)
	ps, err := b.own.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: orders, Group: group, Start: "-", End: "+", Count: 1000}).Result()
	b.must(err)
	counter, err := b.own.Get(ctx, paymentProcessIDs).Int64()
	if err != nil {
		counter = -1
	}
	out := &outcome{byOrder: map[string][]redis.XMessage{}, pending: map[string]redis.XPendingExt{}, counter: counter}
	byOrderID := map[string]string{}
	for _, o := range b.orders {
		byOrderID[o.orderID] = o.name
	}
	for _, m := range all {
		if b.old[m.ID] {
			continue
		}
		out.fresh = append(out.fresh, m)
		v, _ := m.Values["orderId"].(string)
		if name, ok := byOrderID[v]; ok {
			out.byOrder[name] = append(out.byOrder[name], m)
		} else {
			out.strange = append(out.strange, m)
		}
	}
	for _, p := range ps {
		out.pending[p.ID] = p
	}
	return out
}

func (out *outcome) paid(o order) int      { return len(out.byOrder[o.name]) }
func (out *outcome) holder(o order) string { return out.pending[o.id].Consumer }

// deliveries counts how often the learner's consumers were handed o.
func (b *bench) deliveries(o order) int {
	n := 0
	for _, in := range b.insts {
		in.mu.Lock()
		n += in.delivered[o.id]
		in.mu.Unlock()
	}
	return n
}

// showPayment writes a payment on one line.
func showPayment(m redis.XMessage) string {
	keys := make([]string, 0, len(m.Values))
	for k := range m.Values {
		keys = append(keys, k)
	}
	order := map[string]int{"userId": 1, "productId": 2, "price": 3, "paymentProcessId": 4, "orderId": 5}
	sort.Slice(keys, func(i, j int) bool {
		a, b := order[keys[i]], order[keys[j]]
		if a == 0 {
			a = 9
		}
		if b == 0 {
			b = 9
		}
		return a < b || a == b && keys[i] < keys[j]
	})
	var sb strings.Builder
	sb.WriteString(m.ID)
	for _, k := range keys {
		fmt.Fprintf(&sb, " %s=%q", k, fmt.Sprint(m.Values[k]))
	}
	return sb.String()
}

// state shows what a learner needs to see: this scenario's payments and the
// pending orders, a few lines of each.
func (b *bench) state(out *outcome) string {
	const most = 8
	var lines []string
	if len(out.fresh) == 0 {
		lines = append(lines, lang.Pick("payment-events: no new payment", "payment-events: 새 결제 없음"))
	} else {
		en := fmt.Sprintf("payment-events, the %d new payments:", len(out.fresh))
		if len(out.fresh) == 1 {
			en = "payment-events, the new payment:"
		}
		lines = append(lines, lang.Pick(en, fmt.Sprintf("payment-events의 새 결제 %d개:", len(out.fresh))))
		for i, m := range out.fresh {
			if i == most {
				lines = append(lines, lang.Pick(fmt.Sprintf("  … and %d more", len(out.fresh)-most), fmt.Sprintf("  … 그리고 %d개 더", len(out.fresh)-most)))
				break
			}
			lines = append(lines, "  "+showPayment(m))
		}
	}
	ids := make([]string, 0, len(out.pending))
	for id := range out.pending {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	if len(ids) == 0 {
		lines = append(lines, lang.Pick("XPENDING: nothing pending", "XPENDING: pending 없음"))
	} else {
		lines = append(lines, lang.Pick(fmt.Sprintf("XPENDING: %d pending", len(ids)), fmt.Sprintf("XPENDING: pending %d개", len(ids))))
		for i, id := range ids {
			if i == most {
				lines = append(lines, lang.Pick(fmt.Sprintf("  … and %d more", len(ids)-most), fmt.Sprintf("  … 그리고 %d개 더", len(ids)-most)))
				break
			}
			p := out.pending[id]
			lines = append(lines, lang.Pick(fmt.Sprintf("  %s held by %s, delivered %d time(s)", id, p.Consumer, p.RetryCount),
				fmt.Sprintf("  %s: 보유 %s, 전달 %d번", id, p.Consumer, p.RetryCount)))
		}
	}
	return strings.Join(lines, "\n")
}

// returnedLines says which of the test's errors the consumers returned (and
// were started again after).
func (b *bench) returnedLines() string {
	var lines []string
	for _, in := range b.insts {
		in.mu.Lock()
		for _, err := range in.returned {
			lines = append(lines, lang.Pick(fmt.Sprintf("%s returned: %v (the test started it again, as a supervisor restarts a service)", in.name, err),
				fmt.Sprintf("%s 함수가 돌려준 에러: %v (테스트가 서비스 감독자처럼 다시 시작함)", in.name, err)))
		}
		in.mu.Unlock()
	}
	return strings.Join(lines, "\n")
}

var digits = regexp.MustCompile(`^[1-9][0-9]{0,18}$`)

// checkPayments fails the test on the first new payment whose fields are not
// the order's, or whose paymentProcessId is not the counter's.
func (b *bench) checkPayments(out *outcome, doing string, injectedIncr bool) {
	b.t.Helper()
	s := b.task
	fail := func(m redis.XMessage, clause int, gotEn, gotKo, hintEn, hintKo string) {
		b.t.Helper()
		ex.Fatal(b.t, ex.Report{
			Want: lang.Pick("each payment: userId, productId and price as its order has them, a paymentProcessId from INCR, and the order's orderId",
				"결제마다: 주문 그대로의 userId, productId, price, INCR 명령으로 받은 paymentProcessId, 주문의 orderId"),
			Got: lang.Pick(fmt.Sprintf("%s\n%s\n%s", doing, showPayment(m), gotEn),
				fmt.Sprintf("%s\n%s\n%s", doing, showPayment(m), gotKo)),
			Hint: s.hint(clause, hintEn, hintKo),
		})
	}
	const fieldsEn = "build a payment's fields with paymentFields(order, id): userId, productId and price as the order has them (strings, unchanged), paymentProcessId, and orderId (the entry ID when the order has none)"
	const fieldsKo = "결제 필드는 paymentFields(order, id) 함수로 만드세요. userId, productId, price는 주문에 있는 그대로(문자열, 바꾸지 않고), 그리고 paymentProcessId와 orderId(주문에 없으면 엔트리 ID)입니다"
	byOrderID := map[string]order{}
	byEntryID := map[string]order{}
	for _, o := range b.orders {
		byOrderID[o.orderID] = o
		byEntryID[o.id] = o
	}
	for _, m := range out.strange {
		v, has := m.Values["orderId"].(string)
		switch o, isEntry := byEntryID[v]; {
		case !has || v == "":
			fail(m, 3, "it has no orderId", "orderId가 없습니다", fieldsEn, fieldsKo)
		case strings.HasPrefix(v, "old-"):
			fail(m, 2, "order "+v+" of an earlier run, from before the group's start, was paid again",
				"그룹이 시작하기 전, 예전 실행의 주문 "+v+"에 대해 다시 결제했습니다",
				"read the group's new orders ('>') with XREADGROUP: the group starts after the orders of earlier runs, and a read from the stream's start (or a group made anew at 0) pays them again",
				"XREADGROUP으로 그룹의 새 주문('>')을 읽으세요. 그룹은 예전 실행의 주문 다음에서 시작합니다. stream 처음부터 읽거나 그룹을 0에서 새로 만들면 그 주문들을 다시 결제합니다")
		case isEntry:
			fail(m, 3, fmt.Sprintf("its orderId is the entry ID of order %s, whose orderId field is %q", o.name, o.fields["orderId"]),
				fmt.Sprintf("orderId 값이 주문 %s의 엔트리 ID입니다. 그 주문의 orderId 필드는 %q입니다", o.name, o.fields["orderId"]),
				"a payment's orderId is the order's orderId field; only an order without one (as Spring writes it) takes its entry ID: paymentFields(order, id) does that",
				"결제의 orderId는 주문의 orderId 필드입니다. 그 필드가 없는 주문(Spring이 쓰는 주문)만 엔트리 ID를 씁니다. paymentFields(order, id) 함수가 그렇게 합니다")
		default:
			fail(m, 3, fmt.Sprintf("no order has orderId %q", v), fmt.Sprintf("orderId가 %q인 주문은 없습니다", v), fieldsEn, fieldsKo)
		}
	}
	seen := map[int64]string{40: "old", 41: "old"}
	for _, m := range out.fresh {
		v, _ := m.Values["orderId"].(string)
		o, ok := byOrderID[v]
		if !ok {
			continue
		}
		want := map[string]string{"userId": o.fields["userId"], "productId": o.fields["productId"], "price": o.fields["price"], "orderId": o.orderID}
		for _, k := range []string{"userId", "productId", "price", "orderId"} {
			got, has := m.Values[k].(string)
			if !has {
				fail(m, 3, fmt.Sprintf("it has no %s; order %s has %s=%q", k, o.name, k, want[k]),
					fmt.Sprintf("%s 필드가 없습니다. 주문 %s에는 있습니다: %s=%q", k, o.name, k, want[k]), fieldsEn, fieldsKo)
			}
			if got != want[k] {
				en, ko := fieldsEn, fieldsKo
				if k == "price" {
					en = "copy price as the order has it, a string: parsing it turns 12.50 into 12.5, and a float turns 0.10 into 0.1 (or worse)"
					ko = "price는 주문에 있는 문자열 그대로 옮기세요. 숫자로 바꾸면 12.50이 12.5가 되고, float 타입은 0.10을 0.1(또는 더 나쁘게) 만듭니다"
				}
				fail(m, 3, fmt.Sprintf("its %s is %q; order %s has %q", k, got, o.name, want[k]),
					fmt.Sprintf("%s 값이 %q입니다. 주문 %s의 값은 %q입니다", k, got, o.name, want[k]), en, ko)
			}
		}
		var extra []string
		for k := range m.Values {
			switch k {
			case "userId", "productId", "price", "orderId", "paymentProcessId":
			default:
				extra = append(extra, k)
			}
		}
		if len(extra) > 0 {
			sort.Strings(extra)
			fail(m, 3, "it has fields a payment does not: "+strings.Join(extra, ", "),
				"결제에 없는 필드가 있습니다: "+strings.Join(extra, ", "), fieldsEn, fieldsKo)
		}
		pid, _ := m.Values["paymentProcessId"].(string)
		n, err := strconv.ParseInt(pid, 10, 64)
		switch {
		case pid == "0" && injectedIncr:
			fail(m, 5, "its paymentProcessId is 0: the test failed an INCR once, and the code went on with the zero value",
				"paymentProcessId가 0입니다. 테스트가 INCR 명령을 한 번 실패시켰는데, 코드가 0을 그대로 썼습니다",
				"when INCR fails, return its error (or try it again): never pay with the zero value",
				"INCR 명령이 실패하면 그 에러를 돌려주세요(또는 다시 시도하세요). 0으로 결제하면 안 됩니다")
		case !digits.MatchString(pid) || err != nil:
			fail(m, 3, fmt.Sprintf("its paymentProcessId %q is not a number", pid), fmt.Sprintf("paymentProcessId 값 %q: 숫자가 아닙니다", pid),
				"paymentProcessId is the number INCR paymentProcessIDs answered: rdb.Incr(ctx, paymentProcessIDs).Result(), given to paymentFields(order, id)",
				"paymentProcessId는 INCR paymentProcessIDs 명령이 돌려준 숫자입니다. rdb.Incr(ctx, paymentProcessIDs).Result()의 값을 paymentFields(order, id)에 넘기세요")
		case n <= seedID:
			fail(m, 3, fmt.Sprintf("its paymentProcessId %d is not the counter's next number: the earlier run's payments hold 40 and 41, and the counter stood at 41", n),
				fmt.Sprintf("paymentProcessId %d: 카운터의 다음 번호가 아닙니다. 예전 실행의 결제가 40과 41을 쓰고 있고, 카운터는 41이었습니다", n),
				"INCR the key paymentProcessIDs ({payment-events}:payment-process-id): it answers 42 and on. An in-memory counter starts again at 0 after each restart, and another key is not the counter that every instance shares",
				"paymentProcessIDs 키({payment-events}:payment-process-id)를 INCR 하세요. 그러면 42부터 이어집니다. 메모리 속 카운터는 재시작할 때마다 0부터 다시 세고, 다른 키는 모든 인스턴스가 함께 쓰는 카운터가 아닙니다")
		case out.counter >= 0 && n > out.counter:
			fail(m, 3, fmt.Sprintf("its paymentProcessId %d is beyond the counter, which stands at %d", n, out.counter),
				fmt.Sprintf("paymentProcessId %d: 카운터 값(%d)보다 큽니다", n, out.counter),
				"take paymentProcessId from INCR's reply, one INCR per payment",
				"paymentProcessId는 INCR 명령의 응답에서 가져오세요. 결제 하나에 INCR 한 번입니다")
		case seen[n] != "":
			fail(m, 3, fmt.Sprintf("paymentProcessId %d is in two payments (%s and %s)", n, seen[n], m.ID),
				fmt.Sprintf("paymentProcessId %d: 결제 두 개(%s, %s)에 함께 들어 있습니다", n, seen[n], m.ID),
				"one INCR per payment: each payment gets its own number",
				"결제마다 INCR 명령을 한 번씩 보내서, 결제마다 제 번호를 받으세요")
		}
		seen[n] = m.ID
	}
}

// ---------------------------------------------------------------------------
// Judging a scenario

type scene int

const (
	scHappy scene = iota
	scPending
	scErrors
	scCrash
	scTakeover
)

// verdict is what a scenario expects.
type verdict struct {
	scene    scene
	doing    string
	want     []order // orders to be paid, min to max times each
	min, max int
	theirs   []order // pending with another consumer still at work: leave them alone
	owner    string
	after    []*instance // the consumers that ran last: did they read an order pending with them?
	crashAt  string      // the command right after which the consumer crashed
	// lostOK: step 1 with an error the test caused: the consumer returned it,
	// so the orders in its hand are lost (NOACK's cost).
	lostOK bool
}

// judge fails the test on the first thing that breaks a clause.
func (b *bench) judge(v verdict) *outcome {
	b.t.Helper()
	s := b.task
	out := b.look()
	b.checkPayments(out, v.doing, b.injected("incr"))
	fail := func(clause int, problemEn, problemKo, hintEn, hintKo string) {
		b.t.Helper()
		got := lang.Pick(v.doing+"\n"+problemEn+"\n"+b.state(out), v.doing+"\n"+problemKo+"\n"+b.state(out))
		if r := b.returnedLines(); r != "" {
			got += "\n" + r
		}
		want := lang.Pick("each order paid once, nothing pending", "주문마다 한 번 결제, pending 없음")
		switch {
		case v.max > 1:
			want = lang.Pick("each order paid (at least once), nothing pending", "주문마다 (적어도 한 번) 결제, pending 없음")
		case v.lostOK:
			want = lang.Pick("each order paid once, or the error that lost it returned", "주문마다 한 번 결제, 아니면 그 주문을 잃게 한 에러를 돌려줌")
		}
		if len(v.theirs) > 0 {
			want += lang.Pick(fmt.Sprintf("; the orders pending with %s left alone", v.owner), fmt.Sprintf("; %s의 pending 주문은 그대로", v.owner))
		}
		ex.Fatal(b.t, ex.Report{Want: want, Got: got, Hint: s.hint(clause, hintEn, hintKo)})
	}
	noack, multi, eval, pipelined := false, false, false, false
	for _, in := range b.insts {
		in.mu.Lock()
		noack, multi, eval, pipelined = noack || in.noack, multi || in.usedMulti, eval || in.usedEval, pipelined || in.pipelined
		in.mu.Unlock()
	}
	for _, o := range v.theirs {
		if n, h := out.paid(o), out.holder(o); n > 0 || h != v.owner {
			fail(2, lang.Pick(fmt.Sprintf("order %s, pending with %s (alive, at work on it), was paid %d time(s), and is now held by %q", o.name, v.owner, n, h), ""),
				fmt.Sprintf("주문(%s)은 %s에 pending이었고 그쪽에서 처리하는 중이었는데, 결제 %d번, 지금 보유: %q", o.name, v.owner, n, h),
				"an order pending with another consumer is not yours: when it starts, a consumer reads its own pending orders (ID 0 hands out only those) and new ones; XAUTOCLAIM takes another's only after it has been idle for long",
				"다른 consumer에 pending인 주문은 내 것이 아닙니다. 시작할 때는 자기 pending 주문(ID 0은 자기 것만 줍니다)과 새 주문만 읽으세요. 남의 주문은 오래 멈춰 있을 때에만 XAUTOCLAIM으로 가져옵니다")
		}
	}
	for _, o := range v.want {
		n, holder := out.paid(o), out.holder(o)
		if n >= v.min || v.lostOK && holder == "" {
			continue
		}
		d := b.deliveries(o)
		ackedByLearner := false
		for _, in := range b.insts {
			in.mu.Lock()
			ackedByLearner = ackedByLearner || in.acked[o.id]
			in.mu.Unlock()
		}
		readByHolder := false
		for _, in := range v.after {
			in.mu.Lock()
			readByHolder = readByHolder || in.name == holder && in.delivered[o.id] > 0
			in.mu.Unlock()
		}
		problemEn := fmt.Sprintf("order %s (%s) was paid %d time(s)", o.name, o.id, n)
		problemKo := fmt.Sprintf("주문 %s(%s): 결제 %d번", o.name, o.id, n)
		if n == 0 {
			problemEn = fmt.Sprintf("order %s (%s) was never paid", o.name, o.id)
			problemKo = fmt.Sprintf("주문 %s(%s): 결제되지 않음", o.name, o.id)
		}
		if holder != "" {
			problemEn += fmt.Sprintf(", and is pending with %s", holder)
			problemKo += fmt.Sprintf(", pending(보유 %s)", holder)
		}
		switch {
		case s.n == 1 && holder != "":
			fail(1, problemEn, problemKo,
				"step 1 is the tutorial's listener: read with NoAck: true, so that an order counts as acknowledged on delivery and nothing is ever pending (PayThenAck, next, acks)",
				"1단계는 원문의 listener입니다. NoAck: true로 읽어서, 주문이 전달되는 순간 ack된 것으로 치고 pending이 생기지 않게 하세요(다음 단계 PayThenAck에서 ack합니다)")
		case s.n == 1 && v.scene == scErrors:
			fail(5, problemEn+", and the error the test caused was not returned",
				problemKo+", 테스트가 일으킨 에러는 돌려주지 않았습니다",
				"when INCR or XADD fails, return its error (or try the command again): never go on as if the order were paid",
				"INCR 명령이나 XADD 명령이 실패하면 그 에러를 돌려주세요(또는 명령을 다시 시도하세요). 결제된 것처럼 그냥 넘어가면 안 됩니다")
		case s.n == 1 && d > 0:
			fail(3, problemEn+", though a read handed it over", problemKo+", 읽기로 받았는데도",
				"pay every order a read returns (each of streams[0].Messages), not only the first",
				"읽기가 돌려준 주문(streams[0].Messages)을 처음 것만이 아니라 하나하나 모두 결제하세요")
		case s.n == 1:
			fail(2, problemEn+": no read ever handed it over", problemKo+": 어떤 읽기도 이 주문을 받지 못했습니다",
				"read new orders ('>') again and again: more orders wait than one read's Count, and the orders that waited before the consumer started are new ones too",
				"새 주문('>')을 계속 읽으세요. 한 번 읽기의 Count보다 많은 주문이 기다리고 있고, consumer가 시작하기 전부터 기다린 주문도 새 주문입니다")
		case holder != "" && !readByHolder:
			fail(2, problemEn+fmt.Sprintf(", and %s never read it", holder), problemKo+fmt.Sprintf(", %s 쪽에서 읽은 적 없음", holder),
				"when it starts, a consumer first reads its own pending orders (ID 0: those it held when it died, those another's XAUTOCLAIM gave it), again until a read returns none, for more may wait than one Count; then new ones ('>')",
				"consumer는 시작할 때 먼저 자기 pending 주문(ID 0: 죽을 때 들고 있던 것, 다른 consumer의 XAUTOCLAIM이 넘겨준 것)을 빈 응답이 올 때까지 거듭 읽습니다. Count보다 많이 기다릴 수 있기 때문입니다. 그다음에 새 주문('>')을 읽습니다")
		case holder != "" && v.scene == scErrors:
			fail(5, problemEn+": the consumer skipped it after the test failed one of its commands",
				problemKo+": 테스트가 명령 하나를 실패시킨 뒤 consumer가 이 주문을 건너뛰었습니다",
				"when INCR, XADD or XACK fails, return its error (the service exits, and its restart pays the order, still pending) or try the command again: never skip the order",
				"INCR, XADD, XACK 명령 중 하나가 실패하면 그 에러를 돌려주거나(서비스가 끝나고, 다시 시작하면 아직 pending인 주문을 결제합니다) 명령을 다시 시도하세요. 주문을 건너뛰면 안 됩니다")
		case holder != "" && s.n == 3 && eval:
			fail(1, problemEn+fmt.Sprintf(", though %s read it and ran its script", holder), problemKo+fmt.Sprintf(", %s 쪽에서 읽고 스크립트를 실행했는데도", holder),
				"the script ran, and neither paid nor acked the order: its XACK answered 0. Check its KEYS (KEYS[1] order-events, KEYS[2] payment-events) and ARGV (the group, then the order's ID, then the payment's fields)",
				"스크립트가 실행됐지만 주문을 결제하지도 ack하지도 않았습니다. 스크립트의 XACK 명령이 0을 돌려줬습니다. KEYS(KEYS[1] order-events, KEYS[2] payment-events)와 ARGV(그룹, 주문의 ID, 결제 필드 순서)를 확인하세요")
		case holder != "":
			fail(3, problemEn+fmt.Sprintf(", though %s read it", holder), problemKo+fmt.Sprintf(", %s 쪽에서 읽었는데도", holder),
				"pay every order a read returns (each of streams[0].Messages), the pending ones too",
				"읽기가 돌려준 주문(streams[0].Messages)을 pending 주문까지 하나하나 모두 결제하세요")
		case d == 0 && !ackedByLearner:
			fail(2, problemEn+": no read ever handed it over", problemKo+": 어떤 읽기도 이 주문을 받지 못했습니다",
				"after its pending orders, a consumer reads new ones ('>') again and again: more may wait than one read's Count",
				"pending 주문 다음에는 새 주문('>')을 계속 읽으세요. 한 번 읽기의 Count보다 많이 기다릴 수 있습니다")
		case noack:
			fail(1, problemEn+", and nothing holds it: it was read with NOACK",
				problemKo+", 그리고 아무도 들고 있지 않습니다: NOACK으로 읽었습니다",
				"read without NoAck: with NOACK an order counts as acknowledged on delivery, so a crash loses it (and in a script, XACK answers 0 for it)",
				"NoAck 없이 읽으세요. NOACK 옵션으로 읽으면 주문이 전달되는 순간 ack된 것으로 쳐서, 죽으면 잃습니다(스크립트 안의 XACK 명령도 0을 돌려줍니다)")
		case v.scene == scErrors && s.n == 2 && pipelined:
			fail(5, problemEn+", and it is acknowledged: its XADD failed, and the XACK in the same pipeline ran all the same",
				problemKo+", 그런데 ack됐습니다: XADD 명령은 실패했는데 같은 파이프라인의 XACK 명령은 그대로 실행됐습니다",
				"in a pipeline Redis runs each command whatever the one before answered: send XACK only once XADD has answered without an error",
				"파이프라인에서는 Redis가 앞 명령의 결과와 상관없이 명령을 하나하나 실행합니다. XADD 명령이 에러 없이 답한 다음에만 XACK 명령을 보내세요")
		case v.scene == scErrors:
			fail(5, problemEn+", and it is acknowledged: the test failed one of its commands, and the consumer went on",
				problemKo+", 그런데 ack됐습니다: 테스트가 명령 하나를 실패시켰는데 consumer가 그대로 진행했습니다",
				"when INCR or the payment fails, return its error (or try it again): never acknowledge an order that is not paid",
				"INCR 명령이나 결제가 실패하면 그 에러를 돌려주세요(또는 다시 시도하세요). 결제하지 않은 주문을 ack하면 안 됩니다")
		case v.scene == scCrash && s.n == 2:
			fail(1, problemEn+fmt.Sprintf(", and it is acknowledged: the consumer crashed right after %s", v.crashAt),
				problemKo+fmt.Sprintf(", 그런데 ack됐습니다: consumer가 %s 직후에 죽었습니다", v.crashAt),
				"you acknowledged the order before its payment was added, and the crash came in between: add the payment (XADD), then XACK",
				"결제를 추가하기 전에 주문을 ack했고, 그 사이에 죽었습니다. 먼저 결제를 추가하고(XADD), 그다음 XACK 하세요")
		case v.scene == scCrash:
			fail(1, problemEn+fmt.Sprintf(", and it is acknowledged: the consumer crashed right after %s", v.crashAt),
				problemKo+fmt.Sprintf(", 그런데 ack됐습니다: consumer가 %s 직후에 죽었습니다", v.crashAt),
				"the ack and the payment were two steps, and the crash came between them: do both in one script, XACK first and XADD only if it answered 1",
				"ack와 결제가 두 단계로 나뉘어 있었고, 그 사이에 죽었습니다. 둘을 스크립트 하나로 하세요. 먼저 XACK, 그리고 그 응답이 1일 때만 XADD입니다")
		case s.n == 3 && eval:
			fail(1, problemEn+", and it is acknowledged", problemKo+", 그런데 ack됐습니다",
				"the script acked the order but did not pay it: in Lua, XACK's reply is a number: compare it with == 1 (not with '1', which never matches)",
				"스크립트가 주문을 ack만 하고 결제하지 않았습니다. Lua에서 XACK의 응답은 숫자입니다. == 1로 비교하세요('1'과 비교하면 절대 같지 않습니다)")
		case s.n == 3:
			fail(1, problemEn+", and it is acknowledged", problemKo+", 그런데 ack됐습니다",
				"ack and pay in one script: XACK, then XADD the payment when XACK answered 1",
				"ack와 결제를 스크립트 하나로 하세요. XACK 명령을 보내고, 그 응답이 1이면 결제를 XADD 하세요")
		default:
			fail(1, problemEn+", and it is acknowledged", problemKo+", 그런데 ack됐습니다",
				"acknowledge an order (XACK) only after its payment is added",
				"결제를 추가한 다음에만 주문을 ack(XACK) 하세요")
		}
	}
	for _, o := range v.want {
		n := out.paid(o)
		if n <= v.max {
			continue
		}
		d := b.deliveries(o)
		problemEn := fmt.Sprintf("order %s (%s) was paid %d times", o.name, o.id, n)
		problemKo := fmt.Sprintf("주문 %s(%s): 결제 %d번", o.name, o.id, n)
		switch {
		case s.n == 3 && v.scene == scCrash:
			fail(1, problemEn+fmt.Sprintf(": the consumer crashed right after %s, the order was paid and still pending, and the restart paid it again", v.crashAt),
				problemKo+fmt.Sprintf(": consumer가 %s 직후에 죽었을 때 주문은 결제됐지만 아직 pending이었고, 재시작이 또 결제했습니다", v.crashAt),
				"the payment and the ack were two steps, and a crash fell between them: ack and pay in one script (XACK, then XADD if it answered 1)",
				"결제와 ack가 두 단계로 나뉘어 있었고, 그 사이에 죽었습니다. 스크립트 하나로 ack와 결제를 하세요(XACK, 그 응답이 1이면 XADD)")
		case s.n == 3 && v.scene == scTakeover && multi:
			fail(1, problemEn, problemKo,
				"a consumer that no longer held the order still paid it: MULTI/EXEC runs XADD whatever XACK answers. Let XACK's reply decide, in one Lua script: XACK first, and XADD the payment only if it returned 1",
				"더는 주문을 들고 있지 않은 consumer가 결제했습니다. MULTI/EXEC 트랜잭션은 XACK의 응답과 상관없이 XADD 명령을 실행합니다. Lua 스크립트 하나 안에서 XACK 명령을 먼저 보내고, 그 응답이 1일 때만 XADD 명령으로 결제하세요")
		case s.n == 3 && v.scene == scTakeover && eval:
			fail(1, problemEn, problemKo,
				"a consumer that no longer held the order still paid it: the script must run XACK first, and XADD only if XACK's reply == 1. In Lua only false and nil are false: `if redis.call('XACK', ...) then` pays when XACK answers 0 too",
				"더는 주문을 들고 있지 않은 consumer가 결제했습니다. 스크립트는 XACK 명령을 먼저 보내고, 그 응답이 == 1일 때만 XADD 해야 합니다. Lua에서는 false와 nil만 거짓이라서, `if redis.call('XACK', ...) then` 조건은 XACK 명령이 0을 돌려줘도 결제합니다")
		case s.n == 3 && v.scene == scErrors:
			fail(1, problemEn+": a command of it failed between the payment and the ack, the order stayed pending, and it was paid again",
				problemKo+": 결제와 ack 사이의 명령이 실패해 주문이 pending으로 남았고, 다시 결제됐습니다",
				"the payment and the ack were two steps: ack and pay in one script (XACK, then XADD if it answered 1), so that one error leaves both undone",
				"결제와 ack가 두 단계로 나뉘어 있었습니다. 스크립트 하나로 ack와 결제를 하세요(XACK, 그 응답이 1이면 XADD). 그러면 에러가 나도 둘 다 일어나지 않습니다")
		case s.n == 3 && v.scene == scTakeover:
			fail(1, problemEn, problemKo,
				"a consumer paid an order that was no longer its own to pay: let XACK's reply decide, in one Lua script: XACK first, and XADD the payment only if it returned 1",
				"더는 자기 것이 아닌 주문을 consumer가 결제했습니다. Lua 스크립트 하나 안에서 XACK의 응답이 정하게 하세요. XACK 명령을 먼저 보내고, 1을 돌려받았을 때만 XADD 명령으로 결제합니다")
		case s.n == 1 && d > 1:
			fail(2, problemEn+fmt.Sprintf(": it was handed over %d times (a second run, or a second instance, read it again)", d),
				problemKo+fmt.Sprintf(": %d번 전달됐습니다(두 번째 실행이나 두 번째 인스턴스가 다시 읽었습니다)", d),
				"read new orders ('>') in the group, so that each order is delivered once, whatever restarts",
				"그룹에서 새 주문('>')을 읽어서, 무엇이 재시작하든 주문이 한 번만 전달되게 하세요")
		case d > 1:
			fail(2, problemEn+fmt.Sprintf(": it was handed over %d times, though nothing crashed", d),
				problemKo+fmt.Sprintf(": 죽은 것도 없는데 %d번 전달됐습니다", d),
				"read your own pending orders (ID 0) when you start, then new ones ('>'); take no order that another consumer holds",
				"시작할 때 자기 pending 주문(ID 0)을, 그다음 새 주문('>')을 읽으세요. 다른 consumer가 들고 있는 주문은 가져오지 마세요")
		default:
			fail(3, problemEn+", from one delivery", problemKo+", 한 번 전달받고서",
				"one payment per order it reads: one XADD to payment-events",
				"읽은 주문 하나에 결제 하나: payment-events에 XADD 한 번입니다")
		}
	}
	theirs := map[string]bool{}
	for _, o := range v.theirs {
		theirs[o.id] = true
	}
	for _, o := range v.want {
		h := out.holder(o)
		if h == "" || theirs[o.id] {
			continue
		}
		problemEn := fmt.Sprintf("order %s (%s) was paid %d time(s), and is still pending with %s", o.name, o.id, out.paid(o), h)
		problemKo := fmt.Sprintf("주문 %s(%s): 결제 %d번, 아직 pending(보유 %s)", o.name, o.id, out.paid(o), h)
		switch {
		case s.n == 1:
			fail(1, problemEn, problemKo,
				"step 1 is the tutorial's listener: read with NoAck: true, so that nothing is ever pending (PayThenAck, next, acks)",
				"1단계는 원문의 listener입니다. NoAck: true로 읽어서 pending이 생기지 않게 하세요(다음 단계 PayThenAck에서 ack합니다)")
		case v.scene == scErrors:
			fail(5, problemEn+": the test failed one of its commands, and the consumer went on",
				problemKo+": 테스트가 명령 하나를 실패시켰는데 consumer가 그대로 진행했습니다",
				"when a command fails (an XACK too), return its error, or try the command again: once the consumer is idle, nothing is pending",
				"명령이 실패하면(XACK도) 그 에러를 돌려주거나 명령을 다시 시도하세요. consumer가 할 일을 마쳤을 때 pending이 남아 있으면 안 됩니다")
		case s.n == 3:
			fail(1, problemEn, problemKo,
				"the script acks each order it pays: XACK order-events payment-service-group <id>, in the same script as the payment",
				"스크립트가 결제하는 주문마다 ack합니다. 결제와 같은 스크립트 안에서 XACK order-events payment-service-group <id> 명령을 보내세요")
		default:
			fail(1, problemEn, problemKo,
				"XACK each order once its payment is added, the pending ones you read on start too",
				"결제를 추가하면 그 주문을 XACK 하세요. 시작할 때 읽은 pending 주문도 마찬가지입니다")
		}
	}
	return out
}

// injected reports whether the test failed a command of kind.
func (b *bench) injected(kind string) bool {
	for _, in := range b.insts {
		in.mu.Lock()
		done := in.injected[kind] != ""
		in.mu.Unlock()
		if done {
			return true
		}
	}
	return false
}

// ---------------------------------------------------------------------------
// Scenarios

// stopIfNotStarted ends the test with one line when the task is not written
// yet.
func stopIfNotStarted(t *testing.T, s task) {
	t.Helper()
	env := labFor(t)
	rdb := env.Learner()
	_, err := ex.Call(t, env, s.name+"(a cancelled ctx, rdb, \"probe\")", ex.CallLimit, func(context.Context) (struct{}, error) {
		return struct{}{}, s.pay(ex.Cancelled(), rdb, "probe")
	})
	ex.StopIfNotStarted(t, err, s.pay)
}

// happy: orders that waited before the consumer started (more than one
// read's Count), quiet reads, then more orders arriving at once while it
// waits, IDs sharing a millisecond, orders without orderId; the consumer kept
// running after, then run again, and a second instance beside it.
func happy(t *testing.T, s task) {
	t.Helper()
	b := newBench(t, s)
	waiting := b.addOrders(12)
	doing := lang.Pick(fmt.Sprintf("%d orders (%s) waited before instance-1 started, more than one read's Count", len(waiting), names(waiting)),
		fmt.Sprintf("instance-1이 시작하기 전에 주문 %d개(%s)가 기다렸습니다. 한 번 읽기의 Count보다 많습니다", len(waiting), names(waiting)))
	in := b.run("instance-1", never)
	in.waitIdle(doing)
	b.judge(verdict{scene: scHappy, doing: doing, want: waiting, min: 1, max: 1, after: b.insts})
	arriving := b.addOrders(25)
	doing += lang.Pick(fmt.Sprintf(".\nThen, while it waited, %d more arrived at once (%s), their IDs sharing one millisecond; it ran on a while after", len(arriving), names(arriving)),
		fmt.Sprintf(".\n그다음 기다리는 동안 주문 %d개(%s)가 한꺼번에 왔고, ID가 모두 같은 밀리초였습니다. 그 뒤에도 한동안 계속 돌았습니다", len(arriving), names(arriving)))
	in.waitIdle(doing)
	in.waitIdle(doing)
	in.stop(doing)
	b.judge(verdict{scene: scHappy, doing: doing, want: b.orders, min: 1, max: 1, after: b.insts})
	doing += lang.Pick(".\nThen instance-1 ran again, and instance-2 beside it, over the same stream",
		".\n그다음 같은 stream에서 instance-1이 다시 돌고, instance-2도 함께 돌았습니다")
	again := b.run("instance-1", never)
	other := b.run("instance-2", never)
	again.waitIdle(doing)
	other.waitIdle(doing)
	again.waitIdle(doing)
	again.stop(doing)
	other.stop(doing)
	b.judge(verdict{scene: scHappy, doing: doing, want: b.orders, min: 1, max: 1, after: b.insts})
}

// pendingAtStart: instance-1 died holding more orders than one read's Count
// (IDs sharing a millisecond), instance-9 is at work on two of its own, and
// three new orders wait. instance-1 starts again.
func pendingAtStart(t *testing.T, s task) {
	t.Helper()
	b := newBench(t, s)
	held := b.addOrders(23)
	b.hold("instance-1", len(held))
	theirs := b.addOrders(2)
	b.hold("instance-9", len(theirs))
	fresh := b.addOrders(3)
	doing := lang.Pick(fmt.Sprintf("instance-1 had read %d orders (%s) and died before it paid them: they are pending with it, more than one read's Count. instance-9 is at work on %s. %s are new. instance-1 started again",
		len(held), names(held), names(theirs), names(fresh)),
		fmt.Sprintf("instance-1이 주문 %d개(%s)를 읽고 결제하기 전에 죽었습니다. 그 주문들은 한 번 읽기의 Count보다 많고, instance-1에 pending입니다. instance-9는 주문(%s)을 처리하는 중입니다. 새 주문은 %s입니다. instance-1이 다시 시작했습니다",
			len(held), names(held), names(theirs), names(fresh)))
	in := b.run("instance-1", never)
	in.waitIdle(doing)
	in.stop(doing)
	b.judge(verdict{scene: scPending, doing: doing, want: append(held, fresh...), min: 1, max: 1,
		theirs: theirs, owner: "instance-9", after: b.insts})
}

// failures fails one command once, while the connection stays up, kind by
// kind, each time with two new orders; the consumer runs on (or is started
// again when it returns the error, as a supervisor would).
func failures(t *testing.T, s task) {
	t.Helper()
	b := newBench(t, s)
	in := b.run("instance-1", never)
	in.waitIdle(lang.Pick("instance-1 started", "instance-1이 시작했습니다"))
	kinds := []string{"read", "incr", "pay", "xack"}
	if s.n == 1 {
		kinds = kinds[:3]
	}
	what := map[string][2]string{
		"read": {"its XREADGROUP", "XREADGROUP 명령을"},
		"incr": {"its INCR", "INCR 명령을"},
		"pay":  {"its payment (the XADD, the script or the MULTI that holds it)", "결제 명령(XADD, 스크립트, 또는 그것을 담은 MULTI)을"},
		"xack": {"its XACK", "XACK 명령을"},
	}
	for _, kind := range kinds {
		in.failNext(kind)
		in.mu.Lock()
		returnedBefore := len(in.returned)
		in.mu.Unlock()
		os := b.addOrders(2)
		doing := lang.Pick(fmt.Sprintf("orders %s arrived, and Redis refused %s once with an error (OOM), the connection staying up", names(os), what[kind][0]),
			fmt.Sprintf("주문(%s)이 왔고, Redis가 %s 한 번 에러(OOM)로 거절했습니다. 연결은 그대로입니다", names(os), what[kind][1]))
		in.waitIdle(doing)
		in.mu.Lock()
		returned := len(in.returned) > returnedBefore
		failed := in.injected[kind]
		in.mu.Unlock()
		if failed != "" {
			doing += lang.Pick(": "+failed, ": "+failed)
		}
		v := verdict{scene: scErrors, doing: doing, want: os, min: 1, max: 1, after: b.insts, lostOK: s.n == 1 && returned}
		if s.n == 2 {
			v.max = 3 // an XACK that failed: the restart pays the order again
		}
		b.judge(v)
	}
	in.stop(lang.Pick("at the end", "마지막에"))
}

// crashes crashes a consumer at every point of a payment, one point a
// scenario: right after the read that delivered two orders, then right after
// each command it sent after that read (the command ran in Redis, and its
// reply was lost). Then it starts again. It returns what happened to the
// orders at each point where one was paid twice.
func crashes(t *testing.T, s task) (doubles []string) {
	t.Helper()
	for _, held := range []bool{false, true} {
		doubles = append(doubles, crashPoints(t, s, held)...)
	}
	return doubles
}

// crashPoints crashes a consumer at every point of a payment of new orders,
// or, held, of orders pending with it when it starts (as after an earlier
// crash).
func crashPoints(t *testing.T, s task, held bool) (doubles []string) {
	t.Helper()
	for k := 0; k <= maxCrashPoints; k++ {
		b := newBench(t, s)
		os := b.addOrders(2)
		how := lang.Pick("new orders", "새 주문")
		if held {
			b.hold("instance-1", len(os))
			how = lang.Pick("its pending orders, from an earlier run", "예전 실행에서 pending으로 남은 자기 주문")
		}
		first := b.run("instance-1", plan{crashAt: k})
		read := lang.Pick(fmt.Sprintf("instance-1 read orders %s (%s)", names(os), how), fmt.Sprintf("instance-1이 주문(%s)을 읽었습니다(%s)", names(os), how))
		if !first.waitCrash(read) {
			first.stop(read)
			return doubles
		}
		first.mu.Lock()
		at, atName := first.crashedAt, first.crashedName
		first.mu.Unlock()
		doing := lang.Pick(fmt.Sprintf("instance-1 read orders %s (%s) and crashed right away (the read's reply lost)", names(os), how),
			fmt.Sprintf("instance-1이 주문(%s)을 읽고(%s) 곧바로 죽었습니다(읽기의 응답은 잃음)", names(os), how))
		if k > 0 {
			doing = lang.Pick(fmt.Sprintf("instance-1 read orders %s (%s) and crashed right after %s (it ran in Redis; its reply was lost)", names(os), how, at),
				fmt.Sprintf("instance-1이 주문(%s)을 읽고(%s) %s 직후에 죽었습니다(Redis에서는 실행됐고, 응답은 잃음)", names(os), how, at))
		}
		afterCrash := b.state(b.look())
		doing += lang.Pick(".\nAfter the crash:\n", ".\n죽은 뒤:\n") + afterCrash +
			lang.Pick("\nThen instance-1 started again and did its work", "\n그다음 instance-1이 다시 시작해 할 일을 마쳤습니다")
		again := b.run("instance-1", never)
		again.waitIdle(doing)
		again.stop(doing)
		v := verdict{scene: scCrash, doing: doing, want: os, min: 1, max: 1, after: []*instance{again}, crashAt: at}
		if s.n == 2 {
			v.max = 2 // at least once
		}
		out := b.judge(v)
		for _, o := range os {
			if out.paid(o) > 1 {
				doubles = append(doubles, lang.Pick(fmt.Sprintf("a crash right after its %s paid order %s %d times", atName, o.name, out.paid(o)),
					fmt.Sprintf("%s 명령 직후에 죽었더니 주문(%s)이 %d번 결제됐습니다", atName, o.name, out.paid(o))))
			}
		}
	}
	return doubles
}

// takeover stalls instance-1 after it read the order, lets instance-2 claim
// it (as XAUTOCLAIM does once the order has been idle long enough) and run,
// then wakes instance-1. It returns the payments of the order and the story.
func takeover(t *testing.T, s task) (paid int, story string) {
	t.Helper()
	b := newBench(t, s)
	os := b.addOrders(1)
	o := os[0]
	slow := b.run("instance-1", plan{crashAt: -1, pause: true})
	doing := lang.Pick(fmt.Sprintf("instance-1 read order %s (%s) and stalled, as in a long GC pause", o.name, o.id),
		fmt.Sprintf("instance-1이 주문(%s, %s)을 읽고 멈췄습니다(긴 GC 멈춤처럼)", o.name, o.id))
	slow.waitPaused(doing)
	b.must(b.own.XClaim(context.Background(), &redis.XClaimArgs{
		Stream: orders, Group: group, Consumer: "instance-2", MinIdle: 0, Messages: []string{o.id},
	}).Err())
	doing += lang.Pick(". instance-2 claimed the order (XCLAIM, as XAUTOCLAIM does) and started", ". instance-2가 그 주문을 claim(XCLAIM, XAUTOCLAIM이 하듯이)하고 시작했습니다")
	rescuer := b.run("instance-2", never)
	rescuer.waitIdle(doing)
	afterRescue := b.state(b.look())
	slow.unpause()
	doing += lang.Pick(":\n", ":\n") + afterRescue + lang.Pick("\nThen instance-1 woke up and went on", "\n그다음 instance-1이 깨어나 하던 일을 계속했습니다")
	slow.waitIdle(doing)
	rescuer.waitIdle(doing)
	slow.stop(doing)
	rescuer.stop(doing)
	v := verdict{scene: scTakeover, doing: doing, want: os, min: 1, max: 1, after: []*instance{rescuer, slow}}
	if s.n == 2 {
		v.max = 2
	}
	out := b.judge(v)
	return out.paid(o), doing + ":\n" + b.state(out)
}

// stopMidBatch cancels the consumer's context while it holds orders it has
// read, as Ctrl-C would: its next command gets the context's error, and it
// must return nil all the same, within stopLimit.
func stopMidBatch(t *testing.T, s task) {
	t.Helper()
	b := newBench(t, s)
	os := b.addOrders(3)
	in := b.run("instance-1", plan{crashAt: -1, pause: true})
	doing := lang.Pick(fmt.Sprintf("instance-1 read orders %s; before it paid them, its context was cancelled (Ctrl-C)", names(os)),
		fmt.Sprintf("instance-1이 주문(%s)을 읽었고, 결제하기 전에 context가 취소됐습니다(Ctrl-C)", names(os)))
	in.waitPaused(doing)
	in.stopOnce.Do(func() { close(in.stopCh) })
	in.unpause()
	in.stop(doing)
}

// ---------------------------------------------------------------------------
// The tests

var (
	stepNoAck  = task{1, "PayNoAck", PayNoAck}
	stepAck    = task{2, "PayThenAck", PayThenAck}
	stepAtomic = task{3, "PayAtomically", PayAtomically}
)

func TestPayNoAck(t *testing.T) {
	s := stepNoAck
	stopIfNotStarted(t, s)
	happy(t, s)
	failures(t, s)
	stopMidBatch(t, s)

	// The lesson: a crash right after the read loses the order.
	b := newBench(t, s)
	os := b.addOrders(1)
	o := os[0]
	first := b.run("instance-1", plan{crashAt: 0})
	read := lang.Pick(fmt.Sprintf("instance-1 read order %s (%s)", o.name, o.id), fmt.Sprintf("instance-1이 주문(%s, %s)을 읽었습니다", o.name, o.id))
	if !first.waitCrash(read) {
		first.stop(read)
		t.Fatal("the consumer went idle before it crashed") // cannot be: crashAt 0 comes with the read
	}
	doing := lang.Pick(fmt.Sprintf("instance-1 read order %s (%s) and crashed right after reading it, before anything else.\nAfter the crash:\n", o.name, o.id),
		fmt.Sprintf("instance-1이 주문(%s, %s)을 읽고 곧바로, 다른 어떤 명령도 보내기 전에 죽었습니다.\n죽은 뒤:\n", o.name, o.id)) +
		b.state(b.look()) + lang.Pick("\nThen instance-1 started again and went idle", "\n그다음 instance-1이 다시 시작해 할 일을 마쳤습니다")
	again := b.run("instance-1", never)
	again.waitIdle(doing)
	again.stop(doing)
	out := b.look()
	story := doing + ":\n" + b.state(out)
	if out.paid(o) == 0 && len(out.pending) == 0 {
		ex.Lesson(t, lang.Pick(
			fmt.Sprintf("order %s is lost: instance-1 crashed between reading it and paying it. NOACK had acknowledged it on delivery, so XPENDING shows nothing, no restart replays it and no XAUTOCLAIM can hand it to another instance. Next: PayThenAck.\n", o.name),
			fmt.Sprintf("주문(%s)을 잃었습니다. instance-1이 읽은 뒤 결제하기 전에 죽었습니다. NOACK 옵션으로 읽어서 전달되는 순간 ack 처리됐기 때문에 XPENDING에도 없고, 재시작도 XAUTOCLAIM도 되살릴 수 없습니다. 다음: PayThenAck.\n", o.name))+story)
		return
	}
	ex.Fatal(t, ex.Report{
		Want: lang.Pick("the tutorial's listener: with NOACK, the order in hand at a crash is lost", "원문의 listener: NOACK 옵션 때문에 죽는 순간 들고 있던 주문을 잃음"),
		Got:  story,
		Hint: s.hint(1, "this step is the tutorial's listener, so that you see what it costs: read with NoAck: true and only '>'. PayThenAck, next, fixes it",
			"이 단계는 대가를 직접 보도록 원문 그대로의 listener입니다. NoAck: true로, '>'만 읽으세요. 다음 단계 PayThenAck에서 고칩니다"),
	})
}

func TestPayThenAck(t *testing.T) {
	s := stepAck
	stopIfNotStarted(t, s)
	happy(t, s)
	pendingAtStart(t, s)
	doubles := crashes(t, s)
	paid, story := takeover(t, s)
	failures(t, s)
	stopMidBatch(t, s)
	crashNote := lang.Pick("A crash no longer loses an order: the one in hand stays pending and is paid after the restart.",
		"이제 죽어도 주문을 잃지 않습니다. 들고 있던 주문은 pending으로 남아 재시작 뒤에 결제됩니다.")
	if len(doubles) > 0 {
		crashNote += lang.Pick(" But at least once means sometimes twice: ", " 하지만 '적어도 한 번'은 때로 두 번입니다. ") + doubles[0] + "."
	}
	if paid == 1 {
		ex.Lesson(t, lang.Pick("no crash loses an order now, and the order was paid once even through a takeover: you are a step ahead. PayAtomically is next.\n",
			"이제 어떤 죽음에도 주문을 잃지 않고, 넘겨받기가 있어도 한 번만 결제됐습니다. 한 걸음 앞서 있네요. 다음은 PayAtomically.\n")+crashNote+"\n"+story)
		return
	}
	ex.Lesson(t, lang.Pick(
		fmt.Sprintf("order o-1 was paid %d times: instance-2 claimed it from the stalled instance-1 and paid it, then instance-1 woke up and paid it again. Its XACK answered 0, because the order was acknowledged already, but by then it had paid. Next: PayAtomically lets XACK's answer decide.\n", paid),
		fmt.Sprintf("주문(o-1)이 %d번 결제됐습니다. 멈춘 instance-1에게서 instance-2가 claim해 결제했고, 깨어난 instance-1이 또 결제했습니다. instance-1의 XACK 명령은 0을 돌려받았지만(이미 ack된 주문이므로) 그때는 이미 결제한 뒤였습니다. 다음: PayAtomically에서 XACK의 응답이 결정하게 합니다.\n", paid))+
		crashNote+"\n"+story)
}

func TestPayAtomically(t *testing.T) {
	s := stepAtomic
	stopIfNotStarted(t, s)
	happy(t, s)
	pendingAtStart(t, s)
	crashes(t, s)
	_, story := takeovers(t, s)
	failures(t, s)
	stopMidBatch(t, s)
	ex.Lesson(t, lang.Pick("each order was paid exactly once, through a crash at every point and through a takeover: XACK's reply is the fence, and nothing runs between it and the payment. It holds as long as the group does: a group destroyed and made anew forgets its acks, which is why the service keeps a record per paid order (README.md, \"Paid once: a record per order\").\n",
		"어느 지점에서 죽어도, 넘겨받기가 있어도 주문마다 정확히 한 번 결제됐습니다. XACK의 응답이 울타리이고, 그것과 결제 사이에는 아무것도 끼어들지 못합니다. 다만 그룹이 살아 있는 동안만입니다. 지워졌다가 다시 만들어진 그룹은 무엇을 ack했는지 잊기 때문에, 서비스는 결제한 주문마다 기록을 남깁니다(README.ko.md, \"한 번만 결제: 주문마다 결제 기록\").\n")+story)
}

// takeovers runs takeover, then partialTakeover: step 3's fence must hold
// for each order of a batch, not only for a batch of one.
func takeovers(t *testing.T, s task) (paid int, story string) {
	t.Helper()
	paid, story = takeover(t, s)
	partialTakeover(t, s)
	return paid, story
}

// partialTakeover stalls instance-1 after it read three orders in one batch,
// lets instance-2 claim only the middle one and pay it, then wakes
// instance-1: of its batch, two orders are still its own to pay, and one is
// not. A fence per batch (one XACK of all its IDs, whose reply counts the
// orders it acked but does not say which) pays the taken one again, or none.
func partialTakeover(t *testing.T, s task) {
	t.Helper()
	b := newBench(t, s)
	os := b.addOrders(3)
	taken := os[1]
	slow := b.run("instance-1", plan{crashAt: -1, pause: true})
	doing := lang.Pick(fmt.Sprintf("instance-1 read orders %s in one batch and stalled, as in a long GC pause", names(os)),
		fmt.Sprintf("instance-1이 주문(%s)을 한 번에 읽고 멈췄습니다(긴 GC 멈춤처럼)", names(os)))
	slow.waitPaused(doing)
	b.must(b.own.XClaim(context.Background(), &redis.XClaimArgs{
		Stream: orders, Group: group, Consumer: "instance-2", MinIdle: 0, Messages: []string{taken.id},
	}).Err())
	doing += lang.Pick(fmt.Sprintf(". instance-2 claimed only order %s (%s) of them (XCLAIM, as XAUTOCLAIM does) and started", taken.name, taken.id),
		fmt.Sprintf(". instance-2가 그중 주문(%s, %s) 하나만 claim(XCLAIM, XAUTOCLAIM이 하듯이)하고 시작했습니다", taken.name, taken.id))
	rescuer := b.run("instance-2", never)
	rescuer.waitIdle(doing)
	afterRescue := b.state(b.look())
	slow.unpause()
	doing += ":\n" + afterRescue + lang.Pick("\nThen instance-1 woke up and went on", "\n그다음 instance-1이 깨어나 하던 일을 계속했습니다")
	slow.waitIdle(doing)
	rescuer.waitIdle(doing)
	slow.stop(doing)
	rescuer.stop(doing)
	out := b.look()
	for _, o := range os {
		n := out.paid(o)
		if n == 1 || out.holder(o) != "" {
			continue // judge tells the rest
		}
		problemEn := fmt.Sprintf("order %s (%s) was paid %d times", o.name, o.id, n)
		problemKo := fmt.Sprintf("주문 %s(%s): 결제 %d번", o.name, o.id, n)
		if n == 0 {
			problemEn = fmt.Sprintf("order %s (%s) was never paid, and it is acknowledged", o.name, o.id)
			problemKo = fmt.Sprintf("주문 %s(%s): 결제되지 않았는데 ack됐습니다", o.name, o.id)
		}
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("each order paid once, nothing pending: instance-2 pays the order it took over, instance-1 the two still its own",
				"주문마다 한 번 결제, pending 없음: instance-2는 넘겨받은 주문을, instance-1은 아직 자기 것인 두 주문을 결제"),
			Got: lang.Pick(doing+"\n"+problemEn+"\n"+b.state(out), doing+"\n"+problemKo+"\n"+b.state(out)),
			Hint: s.hint(1, "the fence is per order: one XACK per order, and that order's payment only if its own XACK answered 1. XACK of a whole batch answers how many it acked, not which: 2 of 3 cannot tell you which order another consumer took over",
				"울타리는 주문마다 하나입니다. 주문마다 XACK 한 번, 그리고 그 주문의 XACK 응답이 1일 때만 그 주문을 결제하세요. 배치 전체를 XACK 하면 몇 개를 ack했는지만 답할 뿐, 어느 것인지는 알려 주지 않습니다. 3개 중 2개라는 답으로는 다른 consumer가 어느 주문을 넘겨받았는지 알 수 없습니다"),
		})
	}
	b.judge(verdict{scene: scTakeover, doing: doing, want: os, min: 1, max: 1, after: []*instance{rescuer, slow}})
}

// inspectAll runs inspect, then checks that no read of new orders blocks
// longer than stopLimit.
func (in *instance) inspectAll(cmds []redis.Cmder) {
	in.checkLongBlock(cmds)
	in.inspect(cmds)
}

// checkLongBlock reports a read of new orders whose BLOCK is longer than
// stopLimit. A plain cancel of ctx does not interrupt a blocking read, so
// a consumer stopped (Ctrl-C) while it waits returns only when the BLOCK
// runs out: clause 4 asks for 2 s at most. The test shortens every BLOCK
// (quietRead), so it would never see the wait: it looks at the argument.
func (in *instance) checkLongBlock(cmds []redis.Cmder) {
	for _, cmd := range cmds {
		if !isGroupRead(cmd) || !readsNew(cmd) {
			continue
		}
		i, ms := ex.BlockArg(cmd)
		if i < 0 || time.Duration(ms)*time.Millisecond <= stopLimit {
			continue
		}
		block := time.Duration(ms) * time.Millisecond
		in.b.report(ex.Report{
			Want: lang.Pick(fmt.Sprintf("a read of new orders that waits %s at most (Block: time.Second), so that a stopped consumer returns within %s", stopLimit, stopLimit),
				fmt.Sprintf("최대 %s 기다리는 새 주문 읽기(Block: time.Second): 그래야 멈춘 consumer가 %s 안에 끝남", stopLimit, stopLimit)),
			Got: lang.Pick(fmt.Sprintf("%s: it waits up to %s", ex.Show(cmd), block),
				fmt.Sprintf("%s: 최대 %s 기다립니다", ex.Show(cmd), block)),
			Hint: in.b.task.hint(4, fmt.Sprintf("a cancelled ctx does not interrupt a blocking read: a Ctrl-C waits for the BLOCK to run out, here %s. Keep Block: time.Second (%s at most), and check ctx.Err() after each read", block, stopLimit),
				fmt.Sprintf("ctx를 취소해도 기다리는 읽기는 끊기지 않습니다. Ctrl-C를 눌러도 BLOCK이 끝날 때까지, 여기서는 %s 기다립니다. Block: time.Second(최대 %s)로 두고, 읽을 때마다 ctx.Err()를 확인하세요", block, stopLimit)),
		})
	}
}

// readsNew reports whether cmd reads new entries: one of its IDs is '>'.
func readsNew(cmd redis.Cmder) bool {
	for _, id := range ex.ReadIDs(cmd) {
		if id == ">" {
			return true
		}
	}
	return false
}
