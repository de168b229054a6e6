package exercise

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/lang"
	ex "github.com/streams-workshop/kit/testkit/exercisetest"
)

// Where the README teaches each task, in the learner's language (chosen
// once the flags are parsed, so not at init).
func groupsSection() string {
	return lang.Pick(`03-consumer-groups/README.md, "Goal"`, `03-consumer-groups/README.ko.md, "목표"`)
}

func goalSection() string {
	return lang.Pick(`README.md, "Goal", steps 1 and 2`, `README.ko.md, "목표", 1단계와 2단계`)
}

// injected is the text of every error the tests' hooks give the learner's
// client: Redis answered one command with an error, and the connection
// lives on.
const injected = "LOADING Redis is loading the dataset in memory (an error injected by the test)"

var errInjected = errors.New(injected)

// failCmds fails cmds with err, as Redis answering each with an error would.
func failCmds(cmds []redis.Cmder, err error) error {
	for _, cmd := range cmds {
		cmd.SetErr(err)
	}
	return err
}

// argsHave reports whether cmd's arguments hold every one of want.
func argsHave(cmd redis.Cmder, want ...string) bool {
	for _, w := range want {
		found := false
		for _, a := range cmd.Args() {
			if fmt.Sprint(a) == w {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// groupsHint says what clause n of CreateGroups's contract asks, then
// detail, and where the README teaches it.
func groupsHint(n int, detail string) string {
	var clause string
	switch n {
	case 1:
		clause = lang.Pick("clause 1: the group notification-service-group on both streams, order-events and payment-events",
			"1항: order-events와 payment-events 두 stream 모두에 notification-service-group 그룹이 있어야 합니다")
	case 2:
		clause = lang.Pick(`clause 2: each group starts at "$": XGROUP CREATE <stream> notification-service-group $ MKSTREAM. The entries written before are not delivered; those written after are`,
			`2항: 그룹은 "$"에서 시작합니다: XGROUP CREATE <stream> notification-service-group $ MKSTREAM. 먼저 쓰인 엔트리는 전달되지 않고, 나중에 쓰인 엔트리는 전달됩니다`)
	case 3:
		clause = lang.Pick("clause 3: a stream that does not exist yet is created, empty, with its group: add MKSTREAM (rdb.XGroupCreateMkStream)",
			"3항: 아직 없는 stream은 그룹과 함께 빈 채로 만들어집니다. MKSTREAM을 붙이세요(rdb.XGroupCreateMkStream)")
	case 4:
		clause = lang.Pick("clause 4: BUSYGROUP means the group is already there: a service that restarts meets it every time. It is success, and the group stays as it was",
			"4항: BUSYGROUP은 그룹이 이미 있다는 뜻입니다. 다시 시작하는 서비스는 매번 만납니다. 성공으로 보고, 그룹은 그대로 두세요")
	default:
		clause = lang.Pick("clause 5: any error other than BUSYGROUP is returned, not nil: the service cannot run without its groups",
			"5항: BUSYGROUP이 아닌 오류는 nil로 바꾸지 말고 반환하세요. 그룹 없이는 서비스가 돌 수 없습니다")
	}
	if detail != "" {
		clause += ". " + detail
	}
	return clause + " (" + groupsSection() + ")"
}

func TestCreateGroups(t *testing.T) {
	ctx := context.Background()
	env := ex.Start(t)
	own := env.Client()
	// While refuse (busyScript) is set, XGROUP CREATE on payment-events gets an error (BUSY).
	var refuse, busyScript atomic.Bool
	var mu sync.Mutex
	touched := map[string]bool{} // the streams the learner's commands named
	rdb := env.Learner(func(ctx context.Context, cmds []redis.Cmder, send func() error) error {
		mu.Lock()
		for _, cmd := range cmds {
			for _, s := range []string{orders, payments} {
				touched[s] = touched[s] || argsHave(cmd, s)
			}
		}
		mu.Unlock()
		for _, cmd := range cmds {
			if refused := refusal(&refuse, &busyScript); refused != nil && cmd.Name() == "xgroup" && argsHave(cmd, payments) {
				return failCmds(cmds, refused)
			}
		}
		return send()
	})
	create := func() error {
		t.Helper()
		_, err := ex.Call(t, env, "CreateGroups(ctx, rdb)", ex.CallLimit, func(ctx context.Context) (struct{}, error) {
			return struct{}{}, CreateGroups(ctx, rdb)
		})
		return err
	}
	add := func(stream, id, orderID string) string {
		t.Helper()
		got, err := own.XAdd(ctx, &redis.XAddArgs{Stream: stream, ID: id, Values: []string{"userId", "u-" + orderID, "productId", "p-1", "price", "1000", "orderId", orderID}}).Result()
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	fresh := func() {
		t.Helper()
		if err := own.FlushAll(ctx).Err(); err != nil {
			t.Fatal(err)
		}
	}
	// state shows both streams and their groups, as XINFO tells.
	state := func() string {
		t.Helper()
		var lines []string
		for _, s := range []string{orders, payments} {
			kind, _ := own.Type(ctx, s).Result()
			if kind != "stream" {
				lines = append(lines, lang.Pick(fmt.Sprintf("%s: no stream (TYPE %s)", s, kind), fmt.Sprintf("%s: stream 없음(TYPE %s)", s, kind)))
				continue
			}
			n, _ := own.XLen(ctx, s).Result()
			groups, _ := own.XInfoGroups(ctx, s).Result()
			var gs []string
			for _, g := range groups {
				gs = append(gs, fmt.Sprintf("%s (last-delivered-id %s, pending %d)", g.Name, g.LastDeliveredID, g.Pending))
			}
			if len(gs) == 0 {
				gs = append(gs, lang.Pick("no group", "그룹 없음"))
			}
			lines = append(lines, fmt.Sprintf("%s: XLEN %d, %s", s, n, strings.Join(gs, ", ")))
		}
		return strings.Join(lines, "\n")
	}
	// hasGroup reports whether stream is a stream with our group.
	hasGroup := func(stream string) bool {
		groups, err := own.XInfoGroups(ctx, stream).Result()
		if err != nil {
			return false
		}
		for _, g := range groups {
			if g.Name == group {
				return true
			}
		}
		return false
	}
	// deliver reads what the group has for a new consumer, as the service
	// would: the IDs of new entries ('>') on each stream.
	deliver := func() map[string][]string {
		t.Helper()
		got := map[string][]string{}
		for _, stream := range []string{orders, payments} {
			if !hasGroup(stream) {
				continue
			}
			res, err := own.XReadGroup(ctx, &redis.XReadGroupArgs{Group: group, Consumer: "probe", Streams: []string{stream, ">"}, Count: 100, Block: -1}).Result()
			if err != nil && !errors.Is(err, redis.Nil) {
				t.Fatal(err)
			}
			for _, s := range res {
				for _, m := range s.Messages {
					got[s.Stream] = append(got[s.Stream], m.ID)
				}
			}
		}
		return got
	}
	returned := func(err error) string { return lang.Pick("it returned: ", "반환한 값: ") + err.Error() }

	// 1. The service starts before any order or payment: no stream yet.
	err := create()
	ex.StopIfNotStarted(t, err, CreateGroups)
	if err != nil {
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("CreateGroups = nil, though neither stream exists yet", "두 stream이 아직 없어도 CreateGroups = nil"),
			Got:  returned(err) + "\n" + state(),
			Hint: groupsHint(3, ""),
		})
	}
	for _, s := range []string{orders, payments} {
		kind, _ := own.Type(ctx, s).Result()
		n, _ := own.XLen(ctx, s).Result()
		mu.Lock()
		named := touched[s]
		mu.Unlock()
		switch {
		case kind != "stream" && named:
			ex.Fatal(t, ex.Report{
				Want: lang.Pick("the group "+group+" on "+s, s+"에 그룹 "+group),
				Got:  state(),
				Hint: groupsHint(3, lang.Pick("The stream was not there, and still is not: XGROUP CREATE with MKSTREAM creates it, empty, with the group; a service started before the first entry needs it",
					"stream이 없었고, 지금도 없습니다. MKSTREAM을 붙인 XGROUP CREATE가 그룹과 함께 빈 stream을 만듭니다. 첫 엔트리보다 먼저 시작한 서비스에는 이것이 필요합니다")),
			})
		case kind != "stream" || !hasGroup(s):
			ex.Fatal(t, ex.Report{
				Want: lang.Pick("the group "+group+" on "+s, s+"에 그룹 "+group),
				Got:  state(),
				Hint: groupsHint(1, lang.Pick("XGROUP CREATE <stream> notification-service-group $ MKSTREAM, once for each of the two streams",
					"두 stream에 한 번씩 XGROUP CREATE <stream> notification-service-group $ MKSTREAM")),
			})
		case n != 0:
			ex.Fatal(t, ex.Report{
				Want: lang.Pick(s+" created empty, with the group", s+": 그룹과 함께 빈 채로 만들어짐"),
				Got:  state() + "\n" + ex.Entries(t, own, s),
				Hint: groupsHint(3, lang.Pick("MKSTREAM creates the stream without an entry; an entry written to create it would reach every reader of the stream",
					"MKSTREAM은 엔트리 없이 stream을 만듭니다. stream을 만들려고 쓴 엔트리는 그 stream을 읽는 모두에게 갑니다")),
			})
		}
	}

	// 2. The streams hold entries already, two of them in one millisecond.
	fresh()
	add(orders, "5-0", "o-1")
	add(orders, "5-1", "o-2")
	add(orders, "6-0", "o-3")
	add(payments, "5-0", "o-1")
	if err := create(); err != nil {
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("CreateGroups = nil, on streams that hold entries", "엔트리가 있는 stream에서도 CreateGroups = nil"),
			Got:  returned(err) + "\n" + state(),
			Hint: groupsHint(1, ""),
		})
	}
	if got := deliver(); len(got) > 0 {
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("the entries written before CreateGroups are not delivered to the group", "CreateGroups 전에 쓰인 엔트리는 그룹에 전달되지 않음"),
			Got: lang.Pick(fmt.Sprintf("XREADGROUP ... > delivered %v\n", got), fmt.Sprintf("XREADGROUP ... > 결과: %v\n", got)) +
				state(),
			Hint: groupsHint(2, lang.Pick(`"0" would deliver the whole history, and an ID of your own choosing may skip or repeat entries: "$" is the stream's last entry`,
				`"0"이면 지난 엔트리를 모두 전달하고, 직접 고른 ID는 엔트리를 건너뛰거나 되풀이할 수 있습니다. "$"가 stream의 마지막 엔트리입니다`)),
		})
	}
	newOrder, newPayment := add(orders, "*", "o-4"), add(payments, "*", "o-4")
	if got := deliver(); fmt.Sprint(got) != fmt.Sprint(map[string][]string{orders: {newOrder}, payments: {newPayment}}) {
		ex.Fatal(t, ex.Report{
			Want: lang.Pick(fmt.Sprintf("the entries written after CreateGroups are delivered: %s on %s, %s on %s", newOrder, orders, newPayment, payments),
				fmt.Sprintf("CreateGroups 뒤에 쓰인 엔트리는 전달됨: %s의 %s, %s의 %s", orders, newOrder, payments, newPayment)),
			Got:  lang.Pick(fmt.Sprintf("XREADGROUP ... > delivered %v\n", got), fmt.Sprintf("XREADGROUP ... > 결과: %v\n", got)) + state(),
			Hint: groupsHint(2, ""),
		})
	}

	// 3. The service restarts: the groups are there, with an entry pending
	// on each stream (delivered just now, not acked) and one not read yet.
	unreadOrder, unreadPayment := add(orders, "*", "o-5"), add(payments, "*", "o-5")
	before := state()
	if err := create(); err != nil {
		detail := ""
		if strings.HasPrefix(err.Error(), "BUSYGROUP") {
			detail = lang.Pick(`Treat it as success: strings.HasPrefix(err.Error(), "BUSYGROUP"), or redis.HasErrorPrefix(err, "BUSYGROUP"); the whole message is "BUSYGROUP Consumer Group name already exists"`,
				`성공으로 보세요: strings.HasPrefix(err.Error(), "BUSYGROUP") 또는 redis.HasErrorPrefix(err, "BUSYGROUP"). 메시지 전체는 "BUSYGROUP Consumer Group name already exists"입니다`)
		}
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("a second CreateGroups, as at the service's restart, = nil", "서비스 재시작처럼 두 번째 CreateGroups도 = nil"),
			Got:  returned(err),
			Hint: groupsHint(4, detail),
		})
	}
	pendingOrders, pendingPayments := ex.PendingCount(t, own, orders, group), ex.PendingCount(t, own, payments, group)
	got := deliver()
	if pendingOrders != 1 || pendingPayments != 1 || fmt.Sprint(got) != fmt.Sprint(map[string][]string{orders: {unreadOrder}, payments: {unreadPayment}}) {
		ex.Fatal(t, ex.Report{
			Want: lang.Pick(fmt.Sprintf("after a second CreateGroups the groups are as they were: one entry pending on each stream, and %s and %s still to be delivered", unreadOrder, unreadPayment),
				fmt.Sprintf("두 번째 CreateGroups 뒤에도 그룹은 그대로: stream마다 pending 엔트리 하나, 그리고 아직 전달할 엔트리 %s, %s", unreadOrder, unreadPayment)),
			Got: lang.Pick("before:\n", "전:\n") + before + lang.Pick("\nafter:\n", "\n뒤:\n") + state() +
				lang.Pick(fmt.Sprintf("\nXREADGROUP ... > then delivered %v", got), fmt.Sprintf("\n그 뒤 XREADGROUP ... > 결과: %v", got)),
			Hint: groupsHint(4, lang.Pick("Do not destroy the group nor move it with XGROUP SETID: its pending entries and the entries not yet read would be lost",
				"그룹을 지우거나 XGROUP SETID로 옮기지 마세요. pending 엔트리와 아직 읽지 않은 엔트리를 잃습니다")),
		})
	}

	// 4. An older version created the group on order-events only, at 0; the
	// first payment has not come yet.
	fresh()
	add(orders, "5-0", "o-1")
	add(orders, "5-1", "o-2")
	if err := own.XGroupCreate(ctx, orders, group, "0").Err(); err != nil {
		t.Fatal(err)
	}
	if err := create(); err != nil {
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("CreateGroups = nil when the group exists on order-events only", "order-events에만 그룹이 있을 때도 CreateGroups = nil"),
			Got:  returned(err) + "\n" + state(),
			Hint: groupsHint(4, ""),
		})
	}
	if got := deliver(); !hasGroup(payments) || len(got[orders]) != 2 {
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("the group created on payment-events too, and the group on order-events as it was (its two entries still to be delivered)",
				"payment-events에도 그룹이 만들어지고, order-events의 그룹은 그대로(엔트리 두 개는 아직 전달할 것)"),
			Got: state() + lang.Pick(fmt.Sprintf("\nXREADGROUP ... > delivered %v", got), fmt.Sprintf("\nXREADGROUP ... > 결과: %v", got)),
			Hint: groupsHint(4, lang.Pick("A BUSYGROUP on order-events is no reason to stop: go on to payment-events",
				"order-events에서 BUSYGROUP을 만났다고 멈추지 말고 payment-events로 넘어가세요")),
		})
	}

	// 5. Other errors: order-events is not a stream, then Redis refuses the
	// XGROUP CREATE on payment-events.
	fresh()
	if err := own.Set(ctx, orders, "not a stream", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := create(); err == nil {
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("CreateGroups returns an error when order-events is a string (WRONGTYPE)", "order-events가 문자열이면(WRONGTYPE) CreateGroups가 오류를 반환함"),
			Got:  "nil\n" + state(),
			Hint: groupsHint(5, lang.Pick(`Only an error whose text starts with "BUSYGROUP" is success; return every other one`,
				`"BUSYGROUP"으로 시작하는 오류만 성공입니다. 다른 오류는 모두 반환하세요`)),
		})
	}
	fresh()
	refuse.Store(true)
	err = create()
	refuse.Store(false)
	if err == nil {
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("CreateGroups returns the error Redis gave for payment-events: "+injected, "Redis가 payment-events에 준 오류를 CreateGroups가 반환함: "+injected),
			Got:  "nil\n" + state(),
			Hint: groupsHint(5, lang.Pick(`Only an error whose text starts with "BUSYGROUP" is success; return every other one`,
				`"BUSYGROUP"으로 시작하는 오류만 성공입니다. 다른 오류는 모두 반환하세요`)),
		})
	}
	// A Redis busy running a long script answers BUSY: a word that BUSYGROUP
	// starts with, and no group at all.
	fresh()
	busyScript.Store(true)
	err = create()
	busyScript.Store(false)
	if err == nil {
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("CreateGroups returns the error Redis gave for payment-events: "+errBusyScript.Error(), "Redis가 payment-events에 준 오류를 CreateGroups가 반환함: "+errBusyScript.Error()),
			Got:  "nil\n" + state(),
			Hint: groupsHint(5, lang.Pick(`"BUSY Redis is busy running a script" is no BUSYGROUP, and no group was created: match the whole word, strings.HasPrefix(err.Error(), "BUSYGROUP"), not "BUSY"`,
				`"BUSY Redis is busy running a script"는 BUSYGROUP이 아니고, 그룹은 만들어지지 않았습니다. 단어 전체로 비교하세요: "BUSY"가 아니라 strings.HasPrefix(err.Error(), "BUSYGROUP")`)),
		})
	}
}

// notifyHint says what clause n of Notify's contract asks, then detail,
// and where the README teaches it.
func notifyHint(n int, detail string) string {
	var clause string
	switch n {
	case 1:
		clause = lang.Pick(`clause 1: pending first: on start read your own pending entries with id "0", again and again until a read returns none (there may be more than Count), then new ones with ">"`,
			`1항: pending 먼저: 시작하면 id "0"으로 자기 pending 엔트리를 읽고, 읽은 것이 없을 때까지 되풀이한 뒤(Count보다 많을 수 있습니다) ">"로 새 엔트리를 읽으세요`)
	case 2:
		clause = lang.Pick(`clause 2: every entry of both streams gets its notification: a "mail" for each order-events entry, an "sms" for each payment-events entry, with the entry's orderId and userId`,
			`2항: 두 stream의 엔트리마다 알림을 보냅니다. order-events 엔트리에는 "mail", payment-events 엔트리에는 "sms"이고, 엔트리의 orderId와 userId를 담습니다`)
	case 3:
		clause = lang.Pick(`clause 3: a key per notification, notification:<kind>:<orderId>: GET it, and if it says "sent", XACK without sending; else send, then SET it to "sent" for sentTTL, then XACK`,
			`3항: 알림마다 키 하나, notification:<kind>:<orderId>. GET해서 "sent"이면 보내지 않고 XACK하고, 아니면 보낸 뒤 sentTTL 동안 "sent"로 SET하고 나서 XACK합니다`)
	case 4:
		clause = lang.Pick(`clause 4: a notification is never lost: its key says "sent", and its entry is acked, only after send returned nil; not when send failed, and not before sending (a rare duplicate beats a lost mail)`,
			`4항: 알림은 절대 잃지 않습니다. send가 nil을 돌려준 뒤에야 키가 "sent"가 되고 엔트리를 ack합니다. send가 실패했을 때도, 보내기 전에도 안 됩니다(드문 중복이 잃어버린 메일보다 낫습니다)`)
	case 5:
		clause = lang.Pick("clause 5: each entry handled is acked on its own stream: nothing stays pending",
			"5항: 처리한 엔트리는 자기 stream에 ack합니다. pending으로 남는 것이 없어야 합니다")
	case 6:
		clause = lang.Pick(`clause 6: after a failed send Notify goes on with the next entries; when Redis answers a command with an error, Notify returns it or leaves the entry pending, and an error is never taken for "sent"`,
			`6항: send가 실패해도 Notify는 다음 엔트리로 넘어갑니다. Redis가 명령에 오류로 답하면 그 오류를 반환하거나 엔트리를 pending으로 두고, 오류를 "sent"로 여기지 않습니다`)
	case 7:
		clause = lang.Pick("clause 7: a read that finds nothing (redis.Nil) is no error and no reason to stop: read again; return nil once ctx is cancelled",
			"7항: 읽은 것이 없는 것(redis.Nil)은 오류도, 멈출 이유도 아닙니다. 다시 읽으세요. ctx가 취소되면 nil을 반환하세요")
	default:
		clause = lang.Pick("clause 8: a read that fails (an error other than redis.Nil) ends Notify with that error, never with nil",
			"8항: 실패한 읽기(redis.Nil이 아닌 오류)는 그 오류로 Notify를 끝냅니다. nil로 끝내면 안 됩니다")
	}
	if detail != "" {
		clause += ". " + detail
	}
	return clause + " (" + goalSection() + ")"
}

// provider is the mail and SMS provider: it records what reached the user,
// and can refuse or crash a send.
type provider struct {
	mu    sync.Mutex
	sent  map[string]int    // "mail o-1" -> how many times it reached the user
	users map[string]string // "mail o-1" -> the UserID it carried
	fail  map[string]int    // "mail o-30" -> how many sends to refuse with an error
	tried map[string]int    // every call, refused or not
	// before runs first, outside the lock; an error from it is the send's.
	before func(n Notification) error
}

var errProvider = errors.New("mail provider: 503 Service Unavailable, try later")

func newProvider() *provider {
	return &provider{sent: map[string]int{}, users: map[string]string{}, fail: map[string]int{}, tried: map[string]int{}}
}

func (p *provider) send(n Notification) error {
	p.mu.Lock()
	before := p.before
	p.mu.Unlock()
	if before != nil {
		if err := before(n); err != nil {
			return err
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	k := n.Kind + " " + n.OrderID
	p.tried[k]++
	if p.fail[k] > 0 {
		p.fail[k]--
		return errProvider
	}
	p.sent[k]++
	p.users[k] = n.UserID
	return nil
}

func (p *provider) count(k string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sent[k]
}

// String sums up what reached the user: the notifications sent once in one
// line, and each other one on its own line.
func (p *provider) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var once, lines []string
	for _, k := range ex.SortedKeys(p.sent) {
		if p.sent[k] == 1 {
			once = append(once, k)
			continue
		}
		lines = append(lines, lang.Pick(fmt.Sprintf("%s sent %d times", k, p.sent[k]), fmt.Sprintf("%s: %d번 보냄", k, p.sent[k])))
	}
	if len(once) > 0 {
		lines = append([]string{lang.Pick(fmt.Sprintf("sent once (%d): %s", len(once), strings.Join(once, ", ")),
			fmt.Sprintf("한 번 보냄(%d개): %s", len(once), strings.Join(once, ", ")))}, lines...)
	}
	if len(lines) == 0 {
		return lang.Pick("nothing sent", "보낸 것 없음")
	}
	return strings.Join(lines, "\n")
}

// notifySuite is one TestNotify: a private Redis, the provider, and the
// entries written so far.
type notifySuite struct {
	t    *testing.T
	env  *ex.Env
	own  *redis.Client
	p    *provider
	want map[string]string // "mail o-1" -> the userId it must carry
	// spinReported is set once a read of new entries without BLOCK, or
	// with a long one, is reported; ttlReported once a short TTL is.
	spinReported, ttlReported atomic.Bool
	ids                       map[string]string // "mail o-1" -> the entry's ID, for the last one written
}

// write adds an order (kind "mail") or a payment ("sms") for orderID, with
// the entry ID id ("*" for a new one).
func (s *notifySuite) write(kind, id, orderID string) string {
	s.t.Helper()
	stream := map[string]string{"mail": orders, "sms": payments}[kind]
	values := []string{"userId", "u-" + orderID, "productId", "p-1", "price", "1000"}
	if kind == "sms" {
		values = append(values, "paymentProcessId", "7")
	}
	values = append(values, "orderId", orderID)
	got, err := s.own.XAdd(context.Background(), &redis.XAddArgs{Stream: stream, ID: id, Values: values}).Result()
	if err != nil {
		s.t.Fatal(err)
	}
	s.want[kind+" "+orderID] = "u-" + orderID
	s.ids[kind+" "+orderID] = got
	return got
}

// pendingPages makes a read of pending entries (an ID other than ">") return
// at most COUNT entries per stream, as Redis does. The embedded Redis
// returns them all, which would hide a loop that reads one page only.
func pendingPages(*ex.Consumer) ex.Hook {
	return func(ctx context.Context, cmds []redis.Cmder, send func() error) error {
		err := send()
		for _, cmd := range cmds {
			read, ok := cmd.(*redis.XStreamSliceCmd)
			if !ok || cmd.Name() != "xreadgroup" || read.Err() != nil {
				continue
			}
			pending := false
			for _, id := range ex.ReadIDs(cmd) {
				pending = pending || id != ">"
			}
			count := 0
			args := cmd.Args()
			for i := 1; i+1 < len(args); i++ {
				if a, _ := args[i].(string); strings.EqualFold(a, "count") {
					count, _ = strconv.Atoi(fmt.Sprint(args[i+1]))
				}
			}
			if !pending || count <= 0 {
				continue
			}
			streams := read.Val()
			for i := range streams {
				if len(streams[i].Messages) > count {
					streams[i].Messages = streams[i].Messages[:count]
				}
			}
			read.SetVal(streams)
		}
		return err
	}
}

// start runs Notify as instance-1 until Stop or a crash. A return with an
// error the test injected starts it again, as a service's supervisor
// would; any other early return fails the test with what it means.
func (s *notifySuite) start(send func(Notification) error, faults ...ex.Fault) *ex.Consumer {
	return s.env.Go("instance-1", func(ctx context.Context, rdb *redis.Client) error {
		for {
			err := Notify(ctx, rdb, "instance-1", send)
			if ctx.Err() != nil {
				return err
			}
			if err != nil && strings.Contains(err.Error(), injected) {
				continue // the contract lets Notify return a Redis error
			}
			s.early(err)
			return err
		}
	}, append([]ex.Fault{pendingPages, s.blockingReads, s.shortTTLs}, faults...)...)
}

// early reports a Notify that returned before its context was cancelled.
func (s *notifySuite) early(err error) {
	r := ex.Report{
		Want: lang.Pick("Notify keeps running until ctx is cancelled", "ctx가 취소될 때까지 Notify가 계속 돎"),
		Got:  lang.Pick(fmt.Sprintf("it returned early: %v", err), fmt.Sprintf("일찍 끝났습니다: %v", err)),
	}
	switch {
	case err == nil:
		r.Hint = notifyHint(7, lang.Pick("Return only when ctx.Err() != nil", "ctx.Err() != nil일 때만 끝내세요"))
	case errors.Is(err, redis.Nil):
		r.Hint = notifyHint(7, lang.Pick("redis.Nil means the BLOCK ran out with nothing new: read again", "redis.Nil은 BLOCK 동안 새 엔트리가 없었다는 뜻입니다. 다시 읽으세요"))
	case errors.Is(err, errProvider) || strings.Contains(err.Error(), errProvider.Error()):
		r.Hint = notifyHint(6, lang.Pick("A failed send is not Notify's error: leave the entry pending (no SET, no XACK) and go on with the next one",
			"send의 실패는 Notify의 오류가 아닙니다. 엔트리를 pending으로 두고(SET도 XACK도 없이) 다음 엔트리로 넘어가세요"))
	default:
		r.Hint = notifyHint(7, lang.Pick("Return only when ctx.Err() != nil, or with an error Redis gave", "ctx.Err() != nil일 때나, Redis가 준 오류와 함께만 끝내세요"))
	}
	ex.Fail(s.t, r)
}

// pending lists the group's pending entries on both streams.
func (s *notifySuite) pending() (int64, string) {
	s.t.Helper()
	n := ex.PendingCount(s.t, s.own, orders, group) + ex.PendingCount(s.t, s.own, payments, group)
	return n, orders + " " + ex.Pending(s.t, s.own, orders, group) + "\n" + payments + " " + ex.Pending(s.t, s.own, payments, group)
}

// keyOf is the key of a notification, "mail o-1": notification:mail:o-1.
func keyOf(k string) string {
	kind, orderID, _ := strings.Cut(k, " ")
	return "notification:" + kind + ":" + orderID
}

// check compares what reached the user with what was written, each exactly
// once unless allowed lists it, and the keys, and fails with the first
// clause broken. heldAtStart are the notifications whose entries the
// consumer held pending when it started; story says what happened.
func (s *notifySuite) check(story string, heldAtStart map[string]bool) {
	s.t.Helper()
	ctx := context.Background()
	s.p.mu.Lock()
	sent := map[string]int{}
	users := map[string]string{}
	for k, n := range s.p.sent {
		sent[k] = n
		users[k] = s.p.users[k]
	}
	s.p.mu.Unlock()
	pendingCount, pendingText := s.pending()
	got := story + "\n" + lang.Pick("sent:\n", "보낸 것:\n") + s.p.String() + "\n" + pendingText
	fail := func(n int, want, detail string) {
		s.t.Helper()
		ex.Fatal(s.t, ex.Report{Want: want, Got: got, Hint: notifyHint(n, detail)})
	}
	wantAll := lang.Pick("each notification written sent once, with its userId; nothing pending", "쓰인 알림마다 userId와 함께 한 번씩 보냄, pending 없음")

	// Clause 2: the kinds and the fields.
	var unknown, wrongUser, missing, missingHeld, twice []string
	for k, n := range sent {
		if _, ok := s.want[k]; !ok && n > 0 {
			unknown = append(unknown, k)
		}
	}
	for k, user := range s.want {
		switch n := sent[k]; {
		case n == 0 && heldAtStart[k]:
			missingHeld = append(missingHeld, k)
		case n == 0:
			missing = append(missing, k)
		case n > 1:
			twice = append(twice, k)
		case users[k] != user:
			wrongUser = append(wrongUser, fmt.Sprintf("%s: userId %q, want %q", k, users[k], user))
		}
	}
	for _, l := range [][]string{unknown, wrongUser, missing, missingHeld, twice} {
		sort.Strings(l)
	}
	// Where the entries of the notifications never sent are: never
	// delivered, pending, or acked.
	pendingIDs := map[string]bool{} // "order-events 5-0"
	lastDelivered := map[string]string{}
	for _, stream := range []string{orders, payments} {
		ps, err := s.own.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: stream, Group: group, Start: "-", End: "+", Count: 1000}).Result()
		if err != nil {
			s.t.Fatal(err)
		}
		for _, p := range ps {
			pendingIDs[stream+" "+p.ID] = true
		}
		groups, err := s.own.XInfoGroups(ctx, stream).Result()
		if err != nil {
			s.t.Fatal(err)
		}
		for _, g := range groups {
			if g.Name == group {
				lastDelivered[stream] = g.LastDeliveredID
			}
		}
	}
	var unread, ackedUnsent, recordedUnsent []string
	for _, k := range missing {
		stream := map[string]string{"mail": orders, "sms": payments}[strings.SplitN(k, " ", 2)[0]]
		id := s.ids[k]
		value, _ := s.own.Get(ctx, keyOf(k)).Result()
		switch {
		case pendingIDs[stream+" "+id]:
			unread = append(unread, k) // delivered, neither sent nor acked: read again
		case events.CompareIDs(id, lastDelivered[stream]) > 0:
			unread = append(unread, k)
		case value == "sent":
			recordedUnsent = append(recordedUnsent, k)
		default:
			ackedUnsent = append(ackedUnsent, k)
		}
	}
	// A stream from which nothing was ever delivered.
	var silent string
	for _, stream := range []string{payments, orders} {
		if events.CompareIDs(lastDelivered[stream], "0-0") == 0 {
			silent = stream
		}
	}
	switch {
	case len(unknown) > 0:
		fail(2, wantAll, lang.Pick(fmt.Sprintf("Sent, but written nowhere: %s. Kind is \"mail\" for order-events and \"sms\" for payment-events, by the stream's name (s.Stream), not its place in the reply: a read answers only the streams that had entries. OrderID is the entry's orderId field", strings.Join(unknown, ", ")),
			fmt.Sprintf("어디에도 쓰이지 않은 알림을 보냈습니다: %s. Kind는 order-events에 \"mail\", payment-events에 \"sms\"이고, 응답 안의 자리가 아니라 stream 이름(s.Stream)으로 정합니다. 읽기는 엔트리가 있었던 stream만 돌려줍니다. OrderID는 엔트리의 orderId 필드입니다", strings.Join(unknown, ", "))))
	case len(wrongUser) > 0:
		fail(2, wantAll, lang.Pick("UserID is the entry's userId field: "+strings.Join(wrongUser, "; "), "UserID는 엔트리의 userId 필드입니다: "+strings.Join(wrongUser, "; ")))
	case silent != "":
		fail(2, wantAll, lang.Pick(fmt.Sprintf("Nothing was ever read from %s: read both streams in one XREADGROUP, Streams: []string{orders, payments, id, id}", silent),
			fmt.Sprintf("%s에서는 아무것도 읽지 않았습니다. XREADGROUP 하나로 두 stream을 읽으세요: Streams: []string{orders, payments, id, id}", silent)))
	case len(missingHeld) > 0:
		fail(1, wantAll, lang.Pick("Never sent, though instance-1 held their entries pending when it started: "+strings.Join(missingHeld, ", ")+". Read as the consumer Notify is given, with id \"0\", until a read returns none",
			"instance-1이 시작할 때 pending으로 갖고 있었는데도 보내지 않은 알림: "+strings.Join(missingHeld, ", ")+". Notify가 받은 consumer 이름으로, id \"0\"으로, 읽은 것이 없을 때까지 읽으세요"))
	case len(unread) > 0:
		fail(2, wantAll, lang.Pick("Never sent, their entries never handled: "+strings.Join(unread, ", ")+". Read again after each batch, as long as ctx lives: there may be more than Count",
			"엔트리를 처리하지 않아 보내지 않은 알림: "+strings.Join(unread, ", ")+". ctx가 살아 있는 동안 배치마다 다시 읽으세요. Count보다 많을 수 있습니다"))
	case len(recordedUnsent) > 0:
		fail(4, wantAll, lang.Pick("Recorded \"sent\" and acked, but never sent: "+strings.Join(recordedUnsent, ", ")+". SET the key only after send returned nil",
			"\"sent\"로 기록하고 ack했지만 보내지 않은 알림: "+strings.Join(recordedUnsent, ", ")+". send가 nil을 돌려준 뒤에만 키를 SET하세요"))
	case len(ackedUnsent) > 0:
		fail(3, wantAll, lang.Pick("Acked, but never sent: "+strings.Join(ackedUnsent, ", ")+", though no key of theirs said \"sent\". Skip only a notification whose own key says \"sent\": a key names one notification, its kind and its orderId, notification:<kind>:<orderId>",
			"ack했지만 보내지 않은 알림: "+strings.Join(ackedUnsent, ", ")+". 그 알림의 키는 \"sent\"가 아니었습니다. 자기 키가 \"sent\"인 알림만 건너뛰세요. 키 하나는 알림 하나, 곧 종류와 orderId를 가리킵니다: notification:<kind>:<orderId>"))
	case len(twice) > 0:
		fail(3, wantAll, lang.Pick("Sent more than once: "+strings.Join(twice, ", ")+". Record each notification (SET \"sent\") right after sending it, before the XACK, and skip a notification whose key says \"sent\"",
			"두 번 이상 보낸 알림: "+strings.Join(twice, ", ")+". 알림은 보낸 직후, XACK 전에 기록하고(SET \"sent\"), 키가 \"sent\"인 알림은 건너뛰세요"))
	case pendingCount > 0:
		fail(5, wantAll, lang.Pick("XACK each entry on the stream it came from, with its ID: rdb.XAck(ctx, stream, group, id)",
			"엔트리마다 자기가 온 stream에 그 ID로 XACK하세요: rdb.XAck(ctx, stream, group, id)"))
	}
	// Clause 3: the keys.
	for _, k := range ex.SortedKeys(s.want) {
		key := keyOf(k)
		value, err := s.own.Get(ctx, key).Result()
		ttl, _ := s.own.TTL(ctx, key).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			s.t.Fatal(err)
		}
		var keys []string // every key but the streams
		all, _ := s.own.Keys(ctx, "*").Result()
		for _, k := range all {
			if k != orders && k != payments {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		if len(keys) > 8 {
			keys = append(keys[:8], lang.Pick(fmt.Sprintf("and %d more", len(all)-10), fmt.Sprintf("그리고 %d개 더", len(all)-10)))
		}
		ttlText := ttl.String()
		switch ttl {
		case -2:
			ttlText = lang.Pick("none: no such key", "없음: 키가 없습니다")
		case -1:
			ttlText = lang.Pick("none: the key never expires", "없음: 키가 만료되지 않습니다")
		}
		shown := lang.Pick(fmt.Sprintf("GET %s: %q, TTL %s\nkeys in Redis: %s", key, value, ttlText, strings.Join(keys, ", ")),
			fmt.Sprintf("GET %s: %q, TTL %s\nRedis에 있는 키: %s", key, value, ttlText, strings.Join(keys, ", ")))
		want := lang.Pick(fmt.Sprintf("%s holds \"sent\", for %s", key, sentTTL), fmt.Sprintf("%s: %s 동안 \"sent\"", key, sentTTL))
		switch {
		case value != "sent" && len(keys) == 0:
			ex.Fatal(s.t, ex.Report{Want: want, Got: got + "\n" + shown, Hint: notifyHint(3, lang.Pick(
				"Nothing was recorded, so an entry delivered again would be sent again: after sending, rdb.Set(ctx, \"notification:\"+kind+\":\"+orderID, \"sent\", sentTTL), and skip a notification whose key says \"sent\"",
				"아무것도 기록하지 않았으니, 다시 전달된 엔트리는 또 보내집니다. 보낸 뒤 rdb.Set(ctx, \"notification:\"+kind+\":\"+orderID, \"sent\", sentTTL)을 하고, 키가 \"sent\"인 알림은 건너뛰세요"))})
		case value != "sent":
			ex.Fatal(s.t, ex.Report{Want: want, Got: got + "\n" + shown, Hint: notifyHint(3, lang.Pick(
				"The key must name the notification, not the entry: \"notification:\"+kind+\":\"+orderID, set to \"sent\". The same payment published twice comes as two entries, and must be one SMS",
				"키는 엔트리가 아니라 알림을 가리켜야 합니다: \"notification:\"+kind+\":\"+orderID를 \"sent\"로. 같은 결제가 두 번 발행되면 엔트리 두 개로 오지만, 문자는 하나여야 합니다"))})
		case ttl < 0 || ttl > sentTTL || ttl < sentTTL-time.Hour:
			ex.Fatal(s.t, ex.Report{Want: want, Got: got + "\n" + shown, Hint: notifyHint(3, lang.Pick(
				"Give the key its TTL, sentTTL (7 days), in the same SET: rdb.Set(ctx, key, \"sent\", sentTTL). Without it the keys fill Redis for ever; with a shorter one a late duplicate is sent again",
				"같은 SET에서 키에 TTL sentTTL(7일)을 주세요: rdb.Set(ctx, key, \"sent\", sentTTL). TTL이 없으면 키가 끝없이 쌓이고, 더 짧으면 늦게 온 중복이 다시 나갑니다"))})
		}
	}
}

func TestNotify(t *testing.T) {
	ctx := context.Background()
	env := ex.Start(t)
	own := env.Client()
	s := &notifySuite{t: t, env: env, own: own, p: newProvider(), want: map[string]string{}, ids: map[string]string{}}
	_, err := ex.Call(t, env, "Notify(cancelled ctx, ...)", ex.CallLimit, func(context.Context) (struct{}, error) {
		return struct{}{}, Notify(ex.Cancelled(), env.Learner(), "probe", s.p.send)
	})
	ex.StopIfNotStarted(t, err, Notify)
	for _, stream := range []string{orders, payments} {
		if err := own.XGroupCreateMkStream(ctx, stream, group, "0").Err(); err != nil {
			t.Fatal(err)
		}
	}

	// 1. A quiet start: nothing to read, which is no reason to stop. Then a
	// payment alone, whose order was trimmed from order-events long ago: the
	// read answers payment-events only, the first and only stream of its
	// reply. Then a few entries, two of them in one millisecond, and quiet
	// again.
	c := s.start(s.p.send)
	c.WaitIdle()
	c.WaitIdle()
	s.write("sms", "400-0", "o-0")
	c.WaitIdle()
	s.write("mail", "500-0", "o-1")
	s.write("sms", "500-0", "o-1")
	s.write("mail", "500-1", "o-2")
	c.WaitIdle()
	c.WaitIdle()
	c.Stop()
	s.check(lang.Pick("instance-1 started on empty streams; then o-0's payment came alone (its order was trimmed from order-events long ago); then o-1's order and payment, and o-2's order.",
		"instance-1이 빈 stream에서 시작했고, o-0의 결제가 혼자 왔습니다(그 주문은 오래전에 order-events에서 잘려 나갔습니다). 그다음 o-1의 주문과 결제, o-2의 주문이 왔습니다."), nil)

	// 2. A backlog: 25 orders and 25 payments, all in one millisecond. A
	// crashed run of instance-1 had read the first 13 of each and acked
	// none: more pending entries than Count, and more new ones. Once it is
	// done, three more entries come while it runs.
	for i := range 25 {
		s.write("mail", fmt.Sprintf("1000-%d", i), fmt.Sprintf("o-1%02d", i))
		s.write("sms", fmt.Sprintf("1000-%d", i), fmt.Sprintf("o-1%02d", i+13)) // the first 12 paid for earlier
	}
	res, err := own.XReadGroup(ctx, &redis.XReadGroupArgs{Group: group, Consumer: "instance-1", Streams: []string{orders, payments, ">", ">"}, Count: 13, Block: -1}).Result()
	if err != nil {
		t.Fatal(err)
	}
	held := map[string]bool{}
	for _, st := range res {
		for _, m := range st.Messages {
			held[map[string]string{orders: "mail", payments: "sms"}[st.Stream]+" "+m.Values["orderId"].(string)] = true
		}
	}
	c = s.start(s.p.send)
	c.WaitIdle()
	s.write("mail", "*", "o-3")
	s.write("sms", "*", "o-3")
	c.WaitIdle()
	c.Stop()
	s.check(lang.Pick("25 orders and 25 payments came, their IDs in one millisecond (1000-0 to 1000-24); instance-1 had read the first 13 of each stream and crashed before acking them. It started again; then o-3's order and payment came.",
		"주문 25개와 결제 25개가 왔고, ID는 모두 같은 밀리초입니다(1000-0에서 1000-24). instance-1은 stream마다 처음 13개를 읽고 ack하기 전에 죽었습니다. 그리고 다시 시작했고, o-3의 주문과 결제가 왔습니다."), held)

	// 2b. A backlog on one stream only: instance-1 crashed holding 13
	// payments and no order, then, another time, 13 orders and no payment.
	// A read of "0" answers both streams, the empty one too: pending is
	// done only when no stream of the reply holds an entry.
	s.heldOnOneStream(payments, "sms", "o-2")
	s.heldOnOneStream(orders, "mail", "o-25")

	// 3. Failures that are not crashes: the provider refuses the mail for
	// o-30 once; Redis answers the GET of the SMS for o-31 with an error
	// once, and the XACK of the SMS for o-32 once.
	s.p.mu.Lock()
	s.p.fail["mail o-30"] = 1
	s.p.mu.Unlock()
	s.write("mail", "*", "o-30")
	s.write("sms", "*", "o-31")
	ackFails := s.write("sms", "*", "o-32")
	s.write("mail", "*", "o-33")
	var getFailed, ackFailed atomic.Bool
	faults := func(c *ex.Consumer) ex.Hook {
		return func(ctx context.Context, cmds []redis.Cmder, send func() error) error {
			onlyAcks := true
			for _, cmd := range cmds {
				onlyAcks = onlyAcks && cmd.Name() == "xack"
			}
			for _, cmd := range cmds {
				if cmd.Name() == "get" && argsHave(cmd, "notification:sms:o-31") && getFailed.CompareAndSwap(false, true) {
					return failCmds(cmds, errInjected)
				}
				if onlyAcks && argsHave(cmd, payments, ackFails) && ackFailed.CompareAndSwap(false, true) {
					return failCmds(cmds, errInjected)
				}
			}
			return send()
		}
	}
	c = s.start(s.p.send, faults)
	c.WaitIdle()
	c.WaitIdle()
	mailO33 := s.p.count("mail o-33")
	c.Stop()
	if mailO33 == 0 {
		_, pendingText := s.pending()
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("the mail for o-33 sent, though the mail for o-30 before it failed", "앞선 o-30의 메일이 실패해도 o-33의 메일은 보냄"),
			Got:  s.p.String() + "\n" + pendingText,
			Hint: notifyHint(6, lang.Pick("After a failed send, go on with the next entry: the failed one stays pending until Notify reads its pending entries again",
				"send가 실패하면 다음 엔트리로 넘어가세요. 실패한 엔트리는 Notify가 pending 엔트리를 다시 읽을 때까지 pending으로 남습니다")),
		})
	}
	c = s.start(s.p.send)
	c.WaitIdle()
	c.Stop()
	lostDetail, lostClause := "", 6
	for _, k := range []string{"mail o-30", "sms o-31"} {
		if s.p.count(k) > 0 {
			continue
		}
		value, _ := own.Get(ctx, keyOf(k)).Result()
		switch {
		case value == "sent":
			lostClause = 4
			lostDetail = lang.Pick(fmt.Sprintf("The key of %s says \"sent\", though its send failed: SET it only when send returned nil", k),
				fmt.Sprintf("%s의 키가 \"sent\"인데, 보내기는 실패했습니다. send가 nil을 돌려줬을 때만 SET하세요", k))
		case k == "mail o-30":
			lostClause = 4
			lostDetail = lang.Pick("The mail for o-30 failed once and its entry was acked all the same: XACK only after send returned nil, never before sending; a failed entry stays pending and is sent at the next start",
				"o-30의 메일은 한 번 실패했는데도 엔트리가 ack됐습니다. send가 nil을 돌려준 뒤에만 XACK하고, 보내기 전에는 절대 하지 마세요. 실패한 엔트리는 pending으로 남아 다음 시작 때 보내집니다")
		default:
			lostDetail = lang.Pick("The SMS for o-31 was never sent: its GET failed once, with an error that is not redis.Nil, and the entry was acked as if the key said \"sent\". An error is not \"sent\": return it, or leave the entry pending",
				"o-31의 문자는 끝내 보내지지 않았습니다. GET이 redis.Nil이 아닌 오류로 한 번 실패했는데, 키가 \"sent\"인 것처럼 엔트리를 ack했습니다. 오류는 \"sent\"가 아닙니다. 반환하거나 엔트리를 pending으로 두세요")
		}
		break
	}
	if lostDetail != "" {
		_, pendingText := s.pending()
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("the mail for o-30 and the SMS for o-31 sent once, after a restart at the latest", "o-30의 메일과 o-31의 문자를 늦어도 재시작 뒤에는 한 번씩 보냄"),
			Got: lang.Pick("the provider refused the mail for o-30 once; Redis answered the GET of notification:sms:o-31 and the XACK of the SMS for o-32 with an error once. instance-1 was then started again. Sent:\n",
				"대행사가 o-30의 메일을 한 번 거절했고, Redis가 notification:sms:o-31의 GET과 o-32 문자의 XACK에 한 번씩 오류로 답했습니다. 그 뒤 instance-1을 다시 시작했습니다. 보낸 것:\n") +
				s.p.String() + "\n" + pendingText,
			Hint: notifyHint(lostClause, lostDetail),
		})
	}
	s.check(lang.Pick("The provider refused the mail for o-30 once; Redis answered the GET of notification:sms:o-31 and the XACK of the SMS for o-32 with an error once. instance-1 was then started again.",
		"대행사가 o-30의 메일을 한 번 거절했고, Redis가 notification:sms:o-31의 GET과 o-32 문자의 XACK에 한 번씩 오류로 답했습니다. 그 뒤 instance-1을 다시 시작했습니다."), nil)

	// 4. Crashes. instance-1 dies as it sends the mail for o-40: the
	// provider never gets it. Whatever it wrote to Redis before stays.
	s.write("mail", "*", "o-40")
	s.write("sms", "*", "o-40")
	var first *ex.Consumer
	ready := make(chan struct{})
	first = env.Go("instance-1", func(ctx context.Context, rdb *redis.Client) error {
		<-ready // first is set
		return Notify(ctx, rdb, "instance-1", func(n Notification) error {
			if n.Kind == "mail" && n.OrderID == "o-40" {
				first.Crash()
				return ex.ErrCrashed
			}
			return s.p.send(n)
		})
	}, pendingPages)
	close(ready)
	first.WaitCrash(lang.Pick("instance-1 reads o-40's order and sends its mail", "instance-1이 o-40의 주문을 읽고 메일을 보냄"))
	afterSendCrash := s.p.String()

	// It starts again, and dies once the first notification it sends is
	// recorded: just before its first XACK, or just after a MULTI/EXEC
	// that records and acks at once.
	second := s.start(s.p.send, crashAtFirstAck)
	second.WaitCrash(lang.Pick("instance-1, started again, reads its pending entries and sends a notification", "다시 시작한 instance-1이 pending 엔트리를 읽고 알림을 보냄"))
	afterAckCrash := s.p.String()
	sentAgain := s.p.count("mail o-40") > 1 || s.p.count("sms o-40") > 1

	// It starts again, and handles what it still holds; then the same
	// payment is published twice, as 05's PayThenAck did, and a new order
	// comes, whose key holds main.go's claim, left by an attempt cut off
	// before it sent: only "sent" means sent.
	third := s.start(s.p.send)
	third.WaitIdle()
	sentAgain = sentAgain || s.p.count("mail o-40") > 1 || s.p.count("sms o-40") > 1
	s.write("sms", "*", "o-40")
	if err := own.Set(ctx, keyOf("mail o-41"), "sending:an-earlier-attempt", 0).Err(); err != nil {
		t.Fatal(err)
	}
	s.write("mail", "*", "o-41")
	third.WaitIdle()
	third.Stop()

	story := lang.Pick(
		fmt.Sprintf("instance-1 crashed as it sent the mail for o-40, before the provider got it. Sent by then:\n%s\ninstance-1 started again, and crashed once it had recorded its first notification, before acking it. Sent by then:\n%s\ninstance-1 started again; then the payment of o-40 was published a second time, and order o-41 came, its key notification:mail:o-41 saying \"sending:an-earlier-attempt\".",
			afterSendCrash, afterAckCrash),
		fmt.Sprintf("instance-1이 o-40의 메일을 보내다가, 대행사가 받기 전에 죽었습니다. 그때까지 보낸 것:\n%s\ninstance-1이 다시 시작했고, 첫 알림을 기록한 뒤 ack하기 전에 죽었습니다. 그때까지 보낸 것:\n%s\ninstance-1이 다시 시작했고, o-40의 결제가 한 번 더 발행되고 주문 o-41이 왔습니다. o-41의 키 notification:mail:o-41에는 \"sending:an-earlier-attempt\"가 들어 있었습니다.",
			afterSendCrash, afterAckCrash))
	if s.p.count("mail o-40") == 0 {
		value, _ := own.Get(ctx, keyOf("mail o-40")).Result()
		detail := lang.Pick("The mail for o-40 was never sent: its entry was acked before the send that crashed. XACK only after sending (and recording)",
			"o-40의 메일은 끝내 보내지지 않았습니다. 죽은 send보다 먼저 엔트리를 ack했습니다. 보내고 기록한 뒤에만 XACK하세요")
		if value != "" {
			detail = lang.Pick("The mail for o-40 was never sent: you claimed its key, crashed before sending, and the redelivery found your claim. Record a notification as sent after sending it, not before (no SET NX)",
				"o-40의 메일은 끝내 보내지지 않았습니다. 먼저 키를 잡고, 보내기 전에 죽었고, 다시 전달된 엔트리는 그 키를 보고 건너뛰었습니다. 알림은 보내기 전이 아니라 보낸 뒤에 sent로 기록하세요(SET NX 없이)")
		}
		_, pendingText := s.pending()
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("the mail for o-40 sent once", "o-40의 메일을 한 번 보냄"),
			Got:  story + "\n" + lang.Pick("sent:\n", "보낸 것:\n") + s.p.String() + "\n" + pendingText + "\n" + fmt.Sprintf("GET %s: %q", keyOf("mail o-40"), value),
			Hint: notifyHint(4, detail),
		})
	}
	if sentAgain {
		_, pendingText := s.pending()
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("each notification of o-40 sent once", "o-40의 알림마다 한 번씩 보냄"),
			Got:  story + "\n" + lang.Pick("sent:\n", "보낸 것:\n") + s.p.String() + "\n" + pendingText,
			Hint: notifyHint(3, lang.Pick("The entry delivered again after the crash was sent again: SET notification:<kind>:<orderId> to \"sent\" after sending and before the XACK, and skip a notification whose key says sent",
				"죽은 뒤 다시 전달된 엔트리를 또 보냈습니다. 보낸 뒤, XACK 전에 notification:<kind>:<orderId> 키를 \"sent\"로 SET하고, 키가 sent인 알림은 건너뛰세요")),
		})
	}
	s.check(story, nil)

	// 5. The group is destroyed under a running Notify, as a reset by hand
	// would: from then on every read fails with NOGROUP. A nil return would
	// tell whoever runs Notify that ctx was cancelled; a loop on the error
	// would hide it. Notify must return it.
	s.readFails(own)
}

// readFailLimit is how long Notify has to return after its reads start to
// fail: a read blocks for 1 s, so a correct Notify returns within about 1 s.
const readFailLimit = 5 * time.Second

// readFails destroys the group on order-events under a running Notify, and
// checks that Notify returns the error its reads get.
func (s *notifySuite) readFails(own *redis.Client) {
	s.t.Helper()
	var failedReads atomic.Int64
	countFailedReads := func(*ex.Consumer) ex.Hook {
		return func(ctx context.Context, cmds []redis.Cmder, send func() error) error {
			err := send()
			for _, cmd := range cmds {
				if readErr := ex.CmdErr(cmds, cmd, err); cmd.Name() == "xreadgroup" && readErr != nil && !errors.Is(readErr, redis.Nil) {
					failedReads.Add(1)
				}
			}
			return err
		}
	}
	returned := make(chan error, 1)
	c := s.env.Go("instance-1", func(ctx context.Context, rdb *redis.Client) error {
		err := Notify(ctx, rdb, "instance-1", s.p.send)
		returned <- err
		return err
	}, countFailedReads)
	c.WaitIdle()
	if err := own.XGroupDestroy(context.Background(), orders, group).Err(); err != nil {
		s.t.Fatal(err)
	}
	story := lang.Pick("instance-1 was running, idle, when the group notification-service-group was destroyed on order-events (XGROUP DESTROY): from then on each of its reads fails with NOGROUP.",
		"instance-1이 할 일 없이 돌고 있을 때 order-events의 notification-service-group 그룹이 지워졌습니다(XGROUP DESTROY). 그 뒤로 읽을 때마다 NOGROUP 오류가 납니다.")
	want := lang.Pick("Notify returns the read's error (NOGROUP ...), within a second or two", "Notify가 읽기의 오류(NOGROUP ...)를 반환하며 1~2초 안에 끝남")
	select {
	case err := <-returned:
		if err == nil {
			ex.Fatal(s.t, ex.Report{
				Want: want,
				Got:  story + "\n" + lang.Pick("Notify returned nil, as if its ctx had been cancelled.", "Notify가 ctx가 취소된 것처럼 nil을 반환했습니다."),
				Hint: notifyHint(8, lang.Pick("if err != nil (and not redis.Nil) after XREADGROUP, return err, not nil: nil says \"stopped as asked\", and the service would end quietly",
					"XREADGROUP 뒤에 err != nil이면(redis.Nil이 아니면) nil이 아니라 err를 반환하세요. nil은 \"요청대로 멈춤\"이라는 뜻이라, 서비스가 아무 말 없이 끝납니다")),
			})
		}
	case <-time.After(readFailLimit):
		c.Crash()
		ex.Fatal(s.t, ex.Report{
			Want: want,
			Got: story + "\n" + lang.Pick(fmt.Sprintf("Notify was still running %s later; %d of its reads had failed by then.", readFailLimit, failedReads.Load()),
				fmt.Sprintf("Notify는 %s 뒤에도 돌고 있었고, 그동안 읽기 %d번이 실패했습니다.", readFailLimit, failedReads.Load())),
			Hint: notifyHint(8, lang.Pick("a read that fails is not a quiet second: return its error, and let whoever runs Notify decide to start it again",
				"실패한 읽기는 조용한 1초가 아닙니다. 그 오류를 반환하고, 다시 시작할지는 Notify를 돌리는 쪽이 정하게 하세요")),
		})
	}
}

// crashAtFirstAck crashes the consumer once the first notification it
// sends is recorded and about to be acked: just before the first command
// (or pipeline) that holds an XACK but no SET, or just after one that holds
// both (a MULTI/EXEC that records and acks at once: nothing is left
// pending then).
func crashAtFirstAck(c *ex.Consumer) ex.Hook {
	var done atomic.Bool
	return func(ctx context.Context, cmds []redis.Cmder, send func() error) error {
		if done.Load() {
			return send()
		}
		acks, sets := false, false
		for _, cmd := range cmds {
			switch cmd.Name() {
			case "xack":
				acks = true
			case "set", "setex", "psetex":
				sets = true
			case "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall":
				acks, sets = true, true // a script may record and ack at once
			}
		}
		switch {
		case !acks:
			return send()
		case !sets:
			done.Store(true)
			c.Crash()
			return failCmds(cmds, ex.ErrCrashed)
		}
		err := send()
		done.Store(true)
		c.Crash()
		return err
	}
}

// heldOnOneStream writes 13 entries of kind to stream, with orderIds
// prefix00 on, and has instance-1 read them all
// and ack none, as a crashed run would: more pending entries than Count, all
// on one stream, none on the other. Then it starts instance-1 again, and
// checks that each was sent once.
func (s *notifySuite) heldOnOneStream(stream, kind, prefix string) {
	s.t.Helper()
	ctx := context.Background()
	held := map[string]bool{}
	var names []string
	for i := range 13 {
		orderID := fmt.Sprintf("%s%02d", prefix, i)
		s.write(kind, "*", orderID)
		held[kind+" "+orderID] = true
		names = append(names, kind+" "+orderID)
	}
	if err := s.own.XReadGroup(ctx, &redis.XReadGroupArgs{Group: group, Consumer: "instance-1", Streams: []string{stream, ">"}, Count: 13, Block: -1}).Err(); err != nil {
		s.t.Fatal(err)
	}
	other := map[string]string{orders: payments, payments: orders}[stream]
	story := lang.Pick(fmt.Sprintf("instance-1 had read 13 entries of %s (%s … %s) and crashed before acking them: more pending than Count, and none pending on %s. It started again.", stream, names[0], names[len(names)-1], other),
		fmt.Sprintf("instance-1이 %s의 엔트리 13개(%s … %s)를 읽고 ack하기 전에 죽었습니다. Count보다 많은 pending이 있고, %s에는 pending이 없습니다. 그리고 다시 시작했습니다.", stream, names[0], names[len(names)-1], other))
	c := s.start(s.p.send)
	c.WaitIdle()
	c.Stop()
	var missing []string
	for _, k := range names {
		if s.p.count(k) == 0 {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		_, pendingText := s.pending()
		ex.Fatal(s.t, ex.Report{
			Want: lang.Pick("each notification of the entries held pending sent once, nothing pending", "pending으로 잡혀 있던 엔트리의 알림마다 한 번씩 보냄, pending 없음"),
			Got:  story + "\n" + lang.Pick("sent:\n", "보낸 것:\n") + s.p.String() + "\n" + pendingText,
			Hint: notifyHint(1, lang.Pick(fmt.Sprintf("Never sent: %s, though their entries were pending with instance-1 when it started. A read of \"0\" answers both streams, the empty one too: count the entries of every stream in the reply, not only streams[0]'s, and switch to \">\" only when there are none at all", strings.Join(missing, ", ")),
				fmt.Sprintf("보내지 않은 알림: %s. instance-1이 시작할 때 그 엔트리들은 pending이었습니다. \"0\" 읽기는 빈 stream까지 두 stream을 모두 돌려줍니다. streams[0]만이 아니라 응답에 있는 모든 stream의 엔트리를 세고, 하나도 없을 때만 \">\"로 바꾸세요", strings.Join(missing, ", ")))),
		})
	}
	s.check(story, held)
}

// longestBlock is the longest BLOCK a read of new entries may ask for: a
// cancelled ctx does not interrupt a blocking read, so Notify stopped while
// it waits returns only when its BLOCK runs out.
const longestBlock = 2 * time.Second

// blockingReads fails the test, once, when a read of new entries ('>')
// carries no BLOCK: it answers at once on a quiet stream, and the loop spins,
// sending reads as fast as Redis answers; or one longer than longestBlock,
// which the test kit shortens, so that no wait would show it. (BLOCK 0,
// which waits for ever, is the test kit's to refuse.)
func (s *notifySuite) blockingReads(*ex.Consumer) ex.Hook {
	return func(ctx context.Context, cmds []redis.Cmder, send func() error) error {
		for _, cmd := range cmds {
			if cmd.Name() != "xreadgroup" || !readsNew(cmd) {
				continue
			}
			i, ms := ex.BlockArg(cmd)
			if block := time.Duration(ms) * time.Millisecond; i >= 0 && block > longestBlock && s.spinReported.CompareAndSwap(false, true) {
				ex.Fail(s.t, ex.Report{
					Want: lang.Pick(fmt.Sprintf("a read of new entries that waits %s at most (Block: time.Second), so that Notify returns soon once ctx is cancelled", longestBlock),
						fmt.Sprintf("최대 %s 기다리는 새 엔트리 읽기(Block: time.Second): 그래야 ctx가 취소되면 Notify가 곧 끝남", longestBlock)),
					Got: lang.Pick(fmt.Sprintf("%s: it waits up to %s", ex.Show(cmd), block), fmt.Sprintf("%s: 최대 %s 기다립니다", ex.Show(cmd), block)),
					Hint: notifyHint(7, lang.Pick(fmt.Sprintf("A cancelled ctx does not interrupt a blocking read: a Ctrl-C waits for the BLOCK to run out, here %s. Keep Block: time.Second (%s at most)", block, longestBlock),
						fmt.Sprintf("ctx를 취소해도 기다리는 읽기는 끊기지 않습니다. Ctrl-C를 눌러도 BLOCK이 끝날 때까지, 여기서는 %s 기다립니다. Block: time.Second(최대 %s)로 두세요", block, longestBlock))),
				})
			}
			if i < 0 && s.spinReported.CompareAndSwap(false, true) {
				ex.Fail(s.t, ex.Report{
					Want: lang.Pick("a read of new entries that waits a while on a quiet stream (Block: time.Second)", "조용한 stream에서 잠시 기다리는 새 엔트리 읽기(Block: time.Second)"),
					Got: lang.Pick(ex.Show(cmd)+": no BLOCK, so a quiet stream answers at once, and the loop spins, sending reads as fast as Redis answers",
						ex.Show(cmd)+": BLOCK 인자가 없어서 조용한 stream도 곧바로 답하고, 반복문이 Redis가 답하는 만큼 빠르게 읽기를 보내며 헛돕니다"),
					Hint: notifyHint(1, lang.Pick("Block is a time.Duration: Block: time.Second. A negative Block sends no BLOCK at all, and the read does not wait",
						"Block 필드는 time.Duration 타입입니다. Block: time.Second로 쓰세요. 음수 Block은 BLOCK 인자를 아예 보내지 않아서, 읽기가 기다리지 않습니다")),
				})
			}
		}
		return send()
	}
}

// errBusyScript is what Redis answers while a script runs too long: its
// first word, BUSY, is also how BUSYGROUP starts.
var errBusyScript = errors.New("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSCRIPT. (an error injected by the test)")

// refusal is the error TestCreateGroups gives XGROUP CREATE on
// payment-events: errInjected while refuse is set, errBusyScript while busy
// is, or none.
func refusal(refuse, busy *atomic.Bool) error {
	switch {
	case refuse.Load():
		return errInjected
	case busy.Load():
		return errBusyScript
	}
	return nil
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

// shortTTLs fails the test, once, when a SET (or SETEX, PSETEX) gives its
// key a TTL far shorter than sentTTL. Its usual cause is a bare number:
// rdb.Set(ctx, key, "sent", 604800) is 604800 ns, and go-redis sends PX 1.
// Such a key is gone at once on a real Redis, while the embedded one keeps
// it: the command says it in both.
func (s *notifySuite) shortTTLs(*ex.Consumer) ex.Hook {
	return func(ctx context.Context, cmds []redis.Cmder, send func() error) error {
		for _, cmd := range cmds {
			ttl, ok := setTTL(cmd)
			if !ok || ttl >= sentTTL-time.Hour || !s.ttlReported.CompareAndSwap(false, true) {
				continue
			}
			ex.Fail(s.t, ex.Report{
				Want: lang.Pick(fmt.Sprintf("the key of a notification sent, set to \"sent\" for %s", sentTTL), fmt.Sprintf("보낸 알림의 키를 %s 동안 \"sent\"로 SET", sentTTL)),
				Got:  lang.Pick(fmt.Sprintf("%s: a TTL of %s", ex.Show(cmd), ttl), fmt.Sprintf("%s: TTL %s", ex.Show(cmd), ttl)),
				Hint: notifyHint(3, lang.Pick("SET's expiration is a time.Duration: rdb.Set(ctx, key, \"sent\", sentTTL). A bare number is nanoseconds: 604800 is under a millisecond, go-redis sends PX 1, and the key is gone at once, so a duplicate is sent again",
					"SET의 만료 시간은 time.Duration 타입입니다: rdb.Set(ctx, key, \"sent\", sentTTL). 그냥 숫자는 나노초라서 604800은 1 ms도 안 되고, go-redis는 PX 1을 보내며, 키는 곧바로 사라져서 중복이 다시 나갑니다")),
			})
		}
		return send()
	}
}

// setTTL returns the TTL a SET, SETEX or PSETEX gives its key, if any.
func setTTL(cmd redis.Cmder) (time.Duration, bool) {
	args := cmd.Args()
	num := func(i int) (int64, bool) {
		if i >= len(args) {
			return 0, false
		}
		n, err := strconv.ParseInt(fmt.Sprint(args[i]), 10, 64)
		return n, err == nil
	}
	switch cmd.Name() {
	case "setex":
		n, ok := num(2)
		return time.Duration(n) * time.Second, ok
	case "psetex":
		n, ok := num(2)
		return time.Duration(n) * time.Millisecond, ok
	case "set":
		for i := 3; i < len(args); i++ {
			unit := map[string]time.Duration{"ex": time.Second, "px": time.Millisecond}[strings.ToLower(fmt.Sprint(args[i]))]
			if unit == 0 {
				continue
			}
			n, ok := num(i + 1)
			return time.Duration(n) * unit, ok
		}
	}
	return 0, false
}
