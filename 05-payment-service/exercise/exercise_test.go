package exercise

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/lang"
	ex "github.com/streams-workshop/kit/testkit/exercisetest"
)

// consumer is the shape of the three steps.
type consumer func(ctx context.Context, rdb *redis.Client, name string) error

// bench is one scenario's Redis, with the group created and orders to pay.
type bench struct {
	t   *testing.T
	env *ex.Env
	own *redis.Client
	pay consumer
}

func newBench(t *testing.T, pay consumer) *bench {
	t.Helper()
	env := ex.Start(t)
	own := env.Client()
	if err := own.XGroupCreateMkStream(context.Background(), orders, group, "$").Err(); err != nil {
		t.Fatal(err)
	}
	return &bench{t: t, env: env, own: own, pay: pay}
}

// order adds an order, as order-service does, and returns its entry ID.
func (b *bench) order(orderID string) string {
	b.t.Helper()
	id, err := b.own.XAdd(context.Background(), &redis.XAddArgs{Stream: orders, Values: []string{
		"userId", "user-1", "productId", "product-1", "price", "1000", "orderId", orderID,
	}}).Result()
	if err != nil {
		b.t.Fatal(err)
	}
	return id
}

// run starts the consumer called name, as one process of the service.
func (b *bench) run(name string, faults ...ex.Fault) *ex.Consumer {
	return b.env.Go(name, func(ctx context.Context, rdb *redis.Client) error { return b.pay(ctx, rdb, name) }, faults...)
}

// paid counts the payments of orderID.
func (b *bench) paid(orderID string) int {
	return ex.CountBy(b.t, b.own, payments, "orderId")[orderID]
}

func (b *bench) pending() int64 { return ex.PendingCount(b.t, b.own, orders, group) }

// state is what a learner needs to see: both streams and the pending list.
func (b *bench) state() string {
	return strings.TrimRight(ex.Entries(b.t, b.own, payments), "\n") + "\n" + ex.Pending(b.t, b.own, orders, group)
}

// happy pays three orders with one consumer.
func happy(t *testing.T, pay consumer) {
	t.Helper()
	b := newBench(t, pay)
	for _, o := range []string{"o-1", "o-2", "o-3"} {
		b.order(o)
	}
	c := b.run("instance-1")
	c.WaitIdle()
	c.Stop()
	counts := ex.CountBy(t, b.own, payments, "orderId")
	if counts["o-1"] == 1 && counts["o-2"] == 1 && counts["o-3"] == 1 && len(counts) == 3 {
		return
	}
	ex.Fatal(t, ex.Report{
		Want: lang.Pick("orders o-1, o-2 and o-3 each paid once", "주문 o-1, o-2, o-3 이 한 번씩 결제됨"),
		Got:  b.state(),
		Hint: lang.Pick("for each order you read, XADD payment-events with Values: paymentFields(order)",
			"읽은 주문마다 Values: paymentFields(order) 로 payment-events 에 XADD 하세요"),
	})
}

// crash runs instance-1 until it crashes just before the n-th command after
// reading the order, then starts it again, and returns the payments.
func crash(t *testing.T, pay consumer, n int) (b *bench, paid int, story string) {
	t.Helper()
	b = newBench(t, pay)
	entry := b.order("o-1")
	c := b.run("instance-1", ex.CrashAfterRead(n))
	c.WaitCrash(lang.Pick("instance-1 reads order o-1 and goes on to handle it", "instance-1 이 주문 o-1 을 읽고 처리하러 감"))
	afterCrash := b.state()
	again := b.run("instance-1")
	again.WaitIdle()
	again.Stop()
	point := lang.Pick("right after reading it, before anything else", "곧바로, 다른 어떤 명령도 보내기 전에")
	if n == 2 {
		point = lang.Pick("after its first command about the order, before the second", "그 주문에 대한 첫 명령 뒤, 두 번째 명령 전에")
	}
	story = lang.Pick(
		fmt.Sprintf("instance-1 read order o-1 (%s) and crashed %s.\nAfter the crash:\n%s\nAfter instance-1 started again and went idle:\n%s", entry, point, afterCrash, b.state()),
		fmt.Sprintf("instance-1 이 주문 o-1 (%s) 을 읽고 %s 죽었습니다.\n죽은 뒤:\n%s\ninstance-1 이 다시 시작해 할 일을 마친 뒤:\n%s", entry, point, afterCrash, b.state()))
	return b, b.paid("o-1"), story
}

// takeover stalls instance-1 after it read the order, lets instance-2 claim
// it (as XAUTOCLAIM does once the order has been idle long enough) and run,
// then wakes instance-1, and returns the payments.
func takeover(t *testing.T, pay consumer) (b *bench, paid int, story string) {
	t.Helper()
	b = newBench(t, pay)
	entry := b.order("o-1")
	stall := ex.NewPause()
	slow := b.run("instance-1", stall.AfterRead())
	stall.WaitPaused(t, lang.Pick("instance-1 reads order o-1", "instance-1 이 주문 o-1 을 읽음"))
	if err := b.own.XClaim(context.Background(), &redis.XClaimArgs{
		Stream: orders, Group: group, Consumer: "instance-2", MinIdle: 0, Messages: []string{entry},
	}).Err(); err != nil {
		t.Fatal(err)
	}
	rescuer := b.run("instance-2")
	rescuer.WaitIdle()
	afterRescue := b.state()
	stall.Release()
	slow.WaitIdle()
	slow.Stop()
	rescuer.Stop()
	story = lang.Pick(
		fmt.Sprintf("instance-1 read order o-1 (%s) and stalled, as in a long GC pause. instance-2 claimed the order and ran:\n%s\nThen instance-1 woke up and went on:\n%s", entry, afterRescue, b.state()),
		fmt.Sprintf("instance-1 이 주문 o-1 (%s) 을 읽고 멈췄습니다 (긴 GC 멈춤처럼). instance-2 가 그 주문을 claim 해서 처리:\n%s\n그 뒤 instance-1 이 깨어나 하던 일을 계속:\n%s", entry, afterRescue, b.state()))
	return b, b.paid("o-1"), story
}

func skipIfNotStarted(t *testing.T, pay consumer) {
	t.Helper()
	env := ex.Start(t)
	ex.StopIfNotStarted(t, pay(ex.Cancelled(), env.Learner(), "probe"), pay)
}

func TestPayNoAck(t *testing.T) {
	skipIfNotStarted(t, PayNoAck)
	happy(t, PayNoAck)
	b, paid, story := crash(t, PayNoAck, 1)
	if paid == 0 && b.pending() == 0 {
		ex.Lesson(t, lang.Pick(
			"order o-1 is lost: instance-1 crashed between reading it and paying it. NOACK had acknowledged it on delivery, so XPENDING shows nothing, no restart replays it and no XAUTOCLAIM can hand it to another instance. Next: PayThenAck.\n",
			"주문 o-1 을 잃었습니다: instance-1 이 읽은 뒤 결제 전에 죽었습니다. NOACK 이 전달 순간 확인 처리했기 때문에 XPENDING 에도 없고, 재시작도 XAUTOCLAIM 도 되살릴 수 없습니다. 다음: PayThenAck.\n")+story)
		return
	}
	ex.Fatal(t, ex.Report{
		Want: lang.Pick("the tutorial's listener: with NOACK, the order in hand at a crash is lost", "원문의 리스너: NOACK 이라 죽는 순간 들고 있던 주문을 잃음"),
		Got:  story,
		Hint: lang.Pick("this step is the tutorial's listener, so that you see what it costs: read with NoAck: true and only '>'. PayThenAck, next, fixes it",
			"이 단계는 대가를 직접 보도록 원문 그대로의 리스너입니다: NoAck: true 로, '>' 만 읽으세요. 다음 PayThenAck 에서 고칩니다"),
	})
}

// lostHint says why an order was lost at a crash.
func lostHint(b *bench, n int) string {
	switch {
	case b.pending() > 0:
		return lang.Pick("the order is still pending under instance-1's name, and '>' never hands it out again: when it starts, a consumer must first read its own pending orders (ID 0), then new ones ('>')",
			"주문이 instance-1 이름으로 아직 대기 중인데 '>' 는 그것을 다시 주지 않습니다: consumer 는 시작할 때 먼저 자기 대기 주문 (ID 0) 을, 그다음 새 주문 ('>') 을 읽어야 합니다")
	case n == 2:
		return lang.Pick("you acknowledged the order before paying it: a crash between the two loses it. Pay (XADD) first, then XACK",
			"결제 전에 주문을 확인 처리했습니다: 그 사이에 죽으면 주문을 잃습니다. 먼저 결제 (XADD), 그다음 XACK")
	default:
		return lang.Pick("nothing is pending: read without NoAck, so that an order stays pending until you XACK it after paying",
			"대기 중인 것이 없습니다: NoAck 없이 읽어서, 결제한 뒤 XACK 할 때까지 주문이 대기 목록에 남게 하세요")
	}
}

func TestPayThenAck(t *testing.T) {
	skipIfNotStarted(t, PayThenAck)
	happy(t, PayThenAck)
	for _, n := range []int{1, 2} {
		b, paid, story := crash(t, PayThenAck, n)
		if paid == 0 {
			ex.Fatal(t, ex.Report{
				Want: lang.Pick("order o-1 paid after instance-1 starts again", "instance-1 이 다시 시작한 뒤 주문 o-1 이 결제됨"),
				Got:  story,
				Hint: lostHint(b, n),
			})
		}
	}
	_, paid, story := takeover(t, PayThenAck)
	switch paid {
	case 0:
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("order o-1 paid", "주문 o-1 이 결제됨"),
			Got:  story,
			Hint: lang.Pick("instance-2 holds the claimed order as a pending one: first read your own pending orders (ID 0), then new ones ('>')",
				"instance-2 는 claim 된 주문을 대기 항목으로 들고 있습니다: 먼저 자기 대기 주문 (ID 0), 그다음 새 주문 ('>') 을 읽으세요"),
		})
	case 1:
		ex.Lesson(t, lang.Pick("no crash loses an order now, and order o-1 was paid once even through a takeover: you are a step ahead. PayAtomically is next.\n",
			"이제 어떤 충돌에도 주문을 잃지 않고, 인계가 있어도 o-1 은 한 번만 결제됐습니다: 한 걸음 앞서 있네요. 다음은 PayAtomically.\n")+story)
	default:
		ex.Lesson(t, lang.Pick(
			fmt.Sprintf("order o-1 was paid %d times: instance-2 claimed it from the stalled instance-1 and paid it, then instance-1 woke up and paid it again. Its XACK answered 0, because the order was no longer its own, but by then it had paid. (A crash no longer loses an order: the one in hand stays pending and is paid after the restart.) Next: PayAtomically lets XACK's answer decide.\n", paid),
			fmt.Sprintf("주문 o-1 이 %d 번 결제됐습니다: 멈춘 instance-1 에게서 instance-2 가 claim 해 결제했고, 깨어난 instance-1 이 또 결제했습니다. 그 XACK 은 0 을 돌려받았지만 (더는 자기 주문이 아니므로) 이미 결제한 뒤였습니다. (이제 충돌해도 주문을 잃지는 않습니다: 들고 있던 주문은 대기 목록에 남아 재시작 뒤 결제됩니다.) 다음: PayAtomically 에서 XACK 의 답이 결정하게 합니다.\n", paid))+story)
	}
}

func TestPayAtomically(t *testing.T) {
	skipIfNotStarted(t, PayAtomically)
	happy(t, PayAtomically)
	doubled := lang.Pick("a consumer that no longer held the order still paid it: MULTI/EXEC runs XADD whatever XACK answers. Let XACK's reply decide, in one Lua script: XACK first, and XADD the payment only if it returned 1",
		"더는 주문을 들고 있지 않은 consumer 가 결제했습니다: MULTI/EXEC 는 XACK 의 답과 상관없이 XADD 를 실행합니다. Lua 스크립트 하나 안에서 XACK 을 먼저 하고, 1 을 돌려받았을 때만 XADD 로 결제하세요")
	for _, n := range []int{1, 2} {
		b, paid, story := crash(t, PayAtomically, n)
		if paid == 1 && b.pending() == 0 {
			continue
		}
		hint := lostHint(b, n)
		if paid > 1 {
			hint = lang.Pick("a crash between paying and acking replays the order, and pays it again: pay and XACK in one step (one script)",
				"결제와 XACK 사이에 죽으면 주문이 다시 처리되어 또 결제됩니다: 결제와 XACK 을 한 단계 (스크립트 하나) 로 하세요")
		}
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("order o-1 paid exactly once, nothing pending", "주문 o-1 이 정확히 한 번 결제, 대기 없음"),
			Got:  story,
			Hint: hint,
		})
	}
	b, paid, story := takeover(t, PayAtomically)
	if paid == 1 && b.pending() == 0 {
		ex.Lesson(t, lang.Pick("order o-1 was paid exactly once, through a crash and through a takeover: XACK's reply is the fence. Nothing runs between it and the payment.\n",
			"주문 o-1 이 충돌과 인계를 겪고도 정확히 한 번 결제됐습니다: XACK 의 답이 울타리입니다. 그것과 결제 사이에는 아무것도 끼어들지 못합니다.\n")+story)
		return
	}
	hint := doubled
	if paid == 0 {
		hint = lang.Pick("instance-2 holds the claimed order as a pending one: first read your own pending orders (ID 0), then new ones ('>')",
			"instance-2 는 claim 된 주문을 대기 항목으로 들고 있습니다: 먼저 자기 대기 주문 (ID 0), 그다음 새 주문 ('>') 을 읽으세요")
	}
	ex.Fatal(t, ex.Report{
		Want: lang.Pick("order o-1 paid exactly once, though instance-2 took it over from the stalled instance-1", "멈춘 instance-1 에게서 instance-2 가 가져갔어도 주문 o-1 은 정확히 한 번 결제"),
		Got:  story,
		Hint: hint,
	})
}
