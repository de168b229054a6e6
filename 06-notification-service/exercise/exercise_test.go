package exercise

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/lang"
	ex "github.com/streams-workshop/kit/testkit/exercisetest"
)

func TestCreateGroups(t *testing.T) {
	ctx := context.Background()
	env := ex.Start(t)
	own := env.Client()
	rdb := env.Learner()
	// order-events exists already; payment-events does not, as before the first payment.
	if err := own.XAdd(ctx, &redis.XAddArgs{Stream: orders, Values: []string{"userId", "user-1", "productId", "product-1", "price", "1000", "orderId", "o-1"}}).Err(); err != nil {
		t.Fatal(err)
	}
	err := CreateGroups(ctx, rdb)
	ex.StopIfNotStarted(t, err, CreateGroups)
	if err != nil {
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("CreateGroups = nil, though payment-events does not exist yet", "payment-events 가 아직 없어도 CreateGroups = nil"),
			Got:  err.Error(),
			Hint: lang.Pick("add MKSTREAM (rdb.XGroupCreateMkStream): the stream may not exist yet when the service starts",
				"MKSTREAM 을 붙이세요 (rdb.XGroupCreateMkStream): 서비스가 시작할 때 stream 이 아직 없을 수 있습니다"),
		})
	}
	for _, stream := range []string{orders, payments} {
		groups, err := own.XInfoGroups(ctx, stream).Result()
		if err != nil || len(groups) != 1 || groups[0].Name != group {
			ex.Fatal(t, ex.Report{
				Want: lang.Pick("the group "+group+" on "+stream, stream+" 에 그룹 "+group),
				Got:  fmt.Sprintf("XINFO GROUPS %s: %v %v", stream, groups, err),
				Hint: lang.Pick("XGROUP CREATE <stream> notification-service-group $ MKSTREAM, once for each of the two streams",
					"XGROUP CREATE <stream> notification-service-group $ MKSTREAM 을 두 stream 에 한 번씩"),
			})
		}
	}
	if err := CreateGroups(ctx, rdb); err != nil {
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("a second CreateGroups, as at the service's restart, = nil", "서비스 재시작처럼 두 번째 CreateGroups 도 = nil"),
			Got:  err.Error(),
			Hint: lang.Pick("BUSYGROUP means the group is already there: a service that restarts meets it every time. Treat it as success: strings.HasPrefix(err.Error(), \"BUSYGROUP\")",
				"BUSYGROUP 은 그룹이 이미 있다는 뜻입니다: 재시작하는 서비스는 매번 만납니다. 성공으로 보세요: strings.HasPrefix(err.Error(), \"BUSYGROUP\")"),
		})
	}
}

// provider is the mail and SMS provider: it records what reached the user.
type provider struct {
	mu   sync.Mutex
	sent map[string]int // "mail o-1" -> how many times
}

func (p *provider) send(n Notification) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sent[n.Kind+" "+n.OrderID]++
	return nil
}

func (p *provider) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var lines []string
	for _, k := range ex.SortedKeys(p.sent) {
		lines = append(lines, lang.Pick(fmt.Sprintf("%s sent %d time(s)", k, p.sent[k]), fmt.Sprintf("%s %d 번 보냄", k, p.sent[k])))
	}
	if len(lines) == 0 {
		return lang.Pick("nothing sent", "보낸 것 없음")
	}
	return strings.Join(lines, "\n")
}

func TestNotify(t *testing.T) {
	ctx := context.Background()
	env := ex.Start(t)
	own := env.Client()
	p := &provider{sent: map[string]int{}}
	ex.StopIfNotStarted(t, Notify(ex.Cancelled(), env.Learner(), "probe", p.send), Notify)
	for _, stream := range []string{orders, payments} {
		if err := own.XGroupCreateMkStream(ctx, stream, group, "0").Err(); err != nil {
			t.Fatal(err)
		}
	}
	order := func(id string) {
		t.Helper()
		if err := own.XAdd(ctx, &redis.XAddArgs{Stream: orders, Values: []string{"userId", "user-1", "productId", "product-1", "price", "1000", "orderId", id}}).Err(); err != nil {
			t.Fatal(err)
		}
	}
	payment := func(id, processID string) {
		t.Helper()
		if err := own.XAdd(ctx, &redis.XAddArgs{Stream: payments, Values: []string{"userId", "user-1", "productId", "product-1", "price", "1000", "paymentProcessId", processID, "orderId", id}}).Err(); err != nil {
			t.Fatal(err)
		}
	}
	order("o-1")
	payment("o-1", "p-1")

	// 1. instance-1 dies as it sends the mail for o-1: the provider never
	// gets it. Whatever was written to Redis before stays there.
	var first *ex.Consumer
	started := make(chan struct{})
	first = env.Go("instance-1", func(ctx context.Context, rdb *redis.Client) error {
		<-started // first is set
		return Notify(ctx, rdb, "instance-1", func(n Notification) error {
			if n.Kind == "mail" && n.OrderID == "o-1" {
				first.Crash()
				return ex.ErrCrashed
			}
			return p.send(n)
		})
	})
	close(started)
	first.WaitCrash(lang.Pick("instance-1 reads o-1's order and sends its mail", "instance-1 이 o-1 의 주문을 읽고 메일을 보냄"))
	afterSendCrash := p.String()

	// 2. It starts again, and crashes just before its first XACK: after a
	// completed send, the entry will be delivered again.
	second := env.Go("instance-1", func(ctx context.Context, rdb *redis.Client) error { return Notify(ctx, rdb, "instance-1", p.send) },
		ex.CrashBefore(func(cmd redis.Cmder) bool { return cmd.Name() == "xack" }))
	second.WaitCrash(lang.Pick("instance-1, started again, reads its pending entries and sends a notification", "다시 시작한 instance-1 이 대기 항목을 읽고 알림을 보냄"))
	afterAckCrash := p.String()

	// 3. It starts again and handles what it still holds; then the same
	// payment is published twice, as 05's PayThenAck did, and a new order comes.
	third := env.Go("instance-1", func(ctx context.Context, rdb *redis.Client) error { return Notify(ctx, rdb, "instance-1", p.send) })
	third.WaitIdle()
	p.mu.Lock()
	sentAgain := false // a redelivered entry sent a second time
	for _, n := range p.sent {
		sentAgain = sentAgain || n > 1
	}
	p.mu.Unlock()
	payment("o-1", "p-2")
	order("o-2")
	third.WaitIdle()
	third.Stop()

	want := map[string]int{"mail o-1": 1, "sms o-1": 1, "mail o-2": 1}
	pendingOrders, pendingPayments := ex.PendingCount(t, own, orders, group), ex.PendingCount(t, own, payments, group)
	story := lang.Pick(
		fmt.Sprintf("instance-1 crashed as it sent the mail for o-1, before the provider got it. Sent by then:\n%s\ninstance-1 started again, and crashed just before its first XACK. Sent by then:\n%s\ninstance-1 started again; then the payment of o-1 was published a second time, and order o-2 came. Sent in all:\n%s\npending: order-events %d, payment-events %d",
			afterSendCrash, afterAckCrash, p, pendingOrders, pendingPayments),
		fmt.Sprintf("instance-1 이 o-1 의 메일을 보내다가, 대행사가 받기 전에 죽었습니다. 그때까지 보낸 것:\n%s\ninstance-1 이 다시 시작했고, 첫 XACK 바로 전에 죽었습니다. 그때까지 보낸 것:\n%s\ninstance-1 이 다시 시작했고, o-1 의 결제가 한 번 더 발행되고 주문 o-2 가 왔습니다. 모두 보낸 것:\n%s\n대기: order-events %d, payment-events %d",
			afterSendCrash, afterAckCrash, p, pendingOrders, pendingPayments))
	p.mu.Lock()
	got := fmt.Sprint(p.sent)
	mailO1, smsO1 := p.sent["mail o-1"], p.sent["sms o-1"]
	lost := p.sent["mail o-1"] == 0 || p.sent["sms o-1"] == 0 || p.sent["mail o-2"] == 0
	p.mu.Unlock()
	if got == fmt.Sprint(want) && pendingOrders == 0 && pendingPayments == 0 {
		return
	}
	// A key left for the mail of o-1 that was never sent: a claim written before sending.
	claims, err := own.Keys(ctx, "*mail*o-1*").Result()
	if err != nil {
		t.Fatal(err)
	}
	hint := lang.Pick("for each order entry send a mail, for each payment entry an SMS, reading both streams in one XREADGROUP",
		"주문 항목마다 메일, 결제 항목마다 SMS 를 보내세요. 두 stream 을 XREADGROUP 하나로 읽으세요")
	switch {
	case mailO1 == 0 && len(claims) > 0:
		hint = lang.Pick("the mail for o-1 was never sent: you claimed it, crashed before sending, and the redelivery found your claim. Record a notification as sent after sending it (at least once: a rare duplicate beats a lost mail)",
			"o-1 의 메일은 끝내 보내지지 않았습니다: 먼저 키를 잡고, 보내기 전에 죽었고, 다시 전달된 항목은 그 키를 보고 건너뛰었습니다. 알림은 보낸 뒤에 sent 로 기록하세요 (적어도 한 번: 드문 중복이 잃어버린 메일보다 낫습니다)")
	case sentAgain:
		hint = lang.Pick("the entry delivered again after the crash was sent again: after sending, SET notification:<kind>:<orderId> to \"sent\", and skip a notification whose key says sent",
			"충돌 뒤 다시 전달된 항목이 또 보내졌습니다: 보낸 뒤에 notification:<kind>:<orderId> 를 \"sent\" 로 SET 하고, 키가 sent 인 알림은 건너뛰세요")
	case smsO1 > 1:
		hint = lang.Pick("the payment published twice came as two entries, and both were sent: the key must name the notification, not the entry: notification:sms:<orderId>",
			"두 번 발행된 결제는 항목 두 개로 왔고 둘 다 보내졌습니다: 키는 항목이 아니라 알림을 가리켜야 합니다: notification:sms:<orderId>")
	case pendingOrders+pendingPayments > 0:
		hint = lang.Pick("entries are left pending: XACK each entry on its own stream once handled, and on start read your own pending entries (ID 0) first",
			"대기 항목이 남았습니다: 처리한 항목은 자기 stream 에 XACK 하고, 시작할 때 먼저 자기 대기 항목 (ID 0) 을 읽으세요")
	case lost:
		hint = lang.Pick("a notification was lost: ack only after sending, and on start read your own pending entries (ID 0) first",
			"알림 하나를 잃었습니다: 보낸 뒤에만 XACK 하고, 시작할 때 먼저 자기 대기 항목 (ID 0) 을 읽으세요")
	}
	ex.Fatal(t, ex.Report{
		Want: lang.Pick("one mail for o-1, one SMS for o-1, one mail for o-2; nothing pending", "o-1 메일 하나, o-1 SMS 하나, o-2 메일 하나; 대기 없음"),
		Got:  story,
		Hint: hint,
	})
}
