package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/acl"
	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/consumer"
	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/testkit"
)

func TestDedupeMode(t *testing.T) {
	for _, tc := range []struct {
		env     string
		cluster bool
		want    DedupeMode
		err     string
	}{
		{"", false, DedupeAck, ""},
		{"", true, DedupeMarker, ""},
		{"marker", false, DedupeMarker, ""},
		{"marker", true, DedupeMarker, ""},
		{"ack", false, DedupeAck, ""},
		{"ack", true, "", "PAYMENT_DEDUPE=ack cannot work on a Redis Cluster"},
		{"maybe", false, "", `PAYMENT_DEDUPE="maybe": want ack or marker`},
	} {
		got, err := dedupeMode(tc.env, tc.cluster)
		if got != tc.want || (err == nil) != (tc.err == "") || (err != nil && !strings.HasPrefix(err.Error(), tc.err)) {
			t.Errorf("dedupeMode(%q, cluster=%v) = %q, %v; want %q, %q", tc.env, tc.cluster, got, err, tc.want, tc.err)
		}
	}
}

func TestNumberInTurn(t *testing.T) {
	for _, tc := range []struct {
		reply      []int64
		want       []int64
		atOnce     bool
		paidAnyway int64
		err        bool
	}{
		{[]int64{41, 1, 0}, []int64{42, 43, 44}, true, 0, false},
		{[]int64{41, 0, 0, 2}, []int64{42, 0, 43}, false, 0, false},
		{[]int64{41, 1, 1}, []int64{42, 43, 44}, true, 1, false},
		{[]int64{0, 0, 0, 1, 2, 3}, []int64{0, 0, 0}, false, 0, false},
		{[]int64{}, nil, false, 0, true},
		{[]int64{41, 0}, nil, false, 0, true},
		{[]int64{41, 0, 0, 4}, nil, false, 0, true},
		{[]int64{41, 0, 0, 3, 2}, nil, false, 0, true},
	} {
		got, atOnce, paidAnyway, err := numberInTurn(tc.reply, 3)
		if (err != nil) != tc.err || !slices.Equal(got, tc.want) || atOnce != tc.atOnce || paidAnyway != tc.paidAnyway {
			t.Errorf("numberInTurn(%v, 3) = %v, %v, %d, %v; want %v, %v, %d (error %v)",
				tc.reply, got, atOnce, paidAnyway, err, tc.want, tc.atOnce, tc.paidAnyway, tc.err)
		}
	}
}

func TestBatchReadAt(t *testing.T) {
	t1, t2 := time.UnixMicro(1_700_000_000_000_000), time.UnixMicro(1_700_000_000_000_100)
	for _, tc := range []struct {
		readAts []time.Time
		want    int64
	}{
		{[]time.Time{t1, t1}, t1.UnixMicro()},
		{[]time.Time{t2, t1}, t1.UnixMicro()},
		{[]time.Time{t1, {}}, 0},
		{[]time.Time{{}}, 0},
	} {
		var orders []order
		for _, at := range tc.readAts {
			orders = append(orders, order{readAt: at})
		}
		if got := batchReadAt(orders); got != tc.want {
			t.Errorf("batchReadAt(%v) = %d, want %d", tc.readAts, got, tc.want)
		}
	}
}

// TestOursForIsWithinTheLease: a batch is acked at once only while no other
// consumer may have claimed it; the window must end well before the least
// CLAIM_MIN_IDLE, with room for Redis's clock.
func TestOursForIsWithinTheLease(t *testing.T) {
	if oursFor <= 0 || oursFor > consumer.MinClaimMinIdle/2 {
		t.Errorf("oursFor = %v, want more than 0 and at most half of consumer.MinClaimMinIdle (%v)", oursFor, consumer.MinClaimMinIdle)
	}
}

// TestPayAndAckScript runs payandack.lua on a batch of three read orders,
// the second of which was acked by hand meanwhile. A batch still ours alone
// (read less than the window ago, by Redis's clock) is acked with one XACK
// and paid whole; any other is checked order by order, and the acked one is
// skipped as paid before.
func TestPayAndAckScript(t *testing.T) {
	const hour = int64(time.Hour / time.Microsecond)
	for _, tc := range []struct {
		name       string
		readAt     func(now int64) int64 // Redis's clock when the test reads, in µs
		window     int64
		wantReply  []int64
		wantOrders []string
	}{
		{"ours alone", func(now int64) int64 { return now }, hour, []int64{0, 1, 1}, []string{"o1", "o2", "o3"}},
		{"redelivered", func(int64) int64 { return 0 }, hour, []int64{0, 0, 0, 2}, []string{"o1", "o3"}},
		{"read too long ago", func(now int64) int64 { return now - 2_000_000 }, 500_000, []int64{0, 0, 0, 2}, []string{"o1", "o3"}},
		{"read in the future (clock set back)", func(now int64) int64 { return now + 2_000_000 }, hour, []int64{0, 0, 0, 2}, []string{"o1", "o3"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			rdb, orders, now := threeOrdersSecondAckedByHand(t)
			keys := []string{events.PaymentStream, paymentIDCounter, events.OrderStream}
			args := orderArgs(orders, 1000, events.PaymentGroup, tc.readAt(now), tc.window)
			reply, err := payAndAckScript.Run(ctx, rdb, keys, args...).Int64Slice()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(reply, tc.wantReply) {
				t.Errorf("reply %v, want %v", reply, tc.wantReply)
			}
			if paid := paidOrders(t, rdb); !slices.Equal(paid, tc.wantOrders) {
				t.Errorf("payment-events holds %v, want %v", paid, tc.wantOrders)
			}
			if n := rdb.XPending(ctx, events.OrderStream, events.PaymentGroup).Val().Count; n != 0 {
				t.Errorf("%d order events still pending, want 0", n)
			}
		})
	}
}

// TestPaidAnywayIsLogged: a batch handed to pay fresh (Message.ReadAt) is
// still ours alone, and is acked at once. If an order of it was acked by
// someone else meanwhile, the batch is paid whole, and the service says so.
// Delivered again, the batch is checked order by order.
func TestPaidAnywayIsLogged(t *testing.T) {
	rdb, orders, now := threeOrdersSecondAckedByHand(t)
	var batch []consumer.Message
	for _, o := range orders {
		values := map[string]any{}
		for f := o.Fields(); len(f) > 0; f = f[2:] {
			values[f[0]] = f[1]
		}
		batch = append(batch, consumer.Message{XMessage: redis.XMessage{ID: o.entryID, Values: values},
			Deliveries: 1, ReadAt: time.UnixMicro(now)})
	}
	var logged strings.Builder
	p := &payer{rdb: rdb, log: slog.New(slog.NewTextHandler(&logged, nil)), dedupe: DedupeAck,
		out: cli.NewLines(io.Discard), maxLen: 1000}
	if _, err := p.pay(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	if paid, before := p.paid.Load(), p.alreadyPaid.Load(); paid != 3 || before != 0 {
		t.Errorf("%d paid, %d skipped as paid before; want 3 and 0: a batch still ours is paid whole", paid, before)
	}
	if atOnce, oneByOne := p.batchesAtOnce.Load(), p.batchesOneByOne.Load(); atOnce != 1 || oneByOne != 0 {
		t.Errorf("batches acked at once %d, order by order %d; want 1 and 0", atOnce, oneByOne)
	}
	if log := logged.String(); !strings.Contains(log, "paid anyway") || !strings.Contains(log, "count=1") {
		t.Errorf("log %q, want a warning that 1 order was paid anyway", log)
	}
	// Delivered again (no ReadAt): checked order by order, none paid twice.
	for i := range batch {
		batch[i].ReadAt, batch[i].Deliveries = time.Time{}, 2
	}
	if _, err := p.pay(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	if paid, before, oneByOne := p.paid.Load(), p.alreadyPaid.Load(), p.batchesOneByOne.Load(); paid != 3 || before != 3 || oneByOne != 1 {
		t.Errorf("delivered again: %d paid, %d skipped, %d batches order by order; want 3, 3 and 1", paid, before, oneByOne)
	}
}

// threeOrdersSecondAckedByHand writes orders o1..o3, reads them in the payment
// group and acks the second by hand. It returns Redis's clock just after, in µs.
func threeOrdersSecondAckedByHand(t *testing.T) (rdb *redis.Client, orders []order, now int64) {
	t.Helper()
	ctx := context.Background()
	rdb = testkit.StartT(t).Client()
	for i := 1; i <= 3; i++ {
		o := events.Order{OrderID: fmt.Sprint("o", i), UserID: "u", ProductID: "p", Price: "10"}
		rdb.XAdd(ctx, &redis.XAddArgs{Stream: events.OrderStream, ID: fmt.Sprint("1-", i), Values: o.Fields()})
	}
	rdb.XGroupCreate(ctx, events.OrderStream, events.PaymentGroup, "0")
	orders = readOrders(t, rdb, "a", ">", 0)
	rdb.XAck(ctx, events.OrderStream, events.PaymentGroup, "1-2") // by hand
	at, err := rdb.Time(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	return rdb, orders, at.UnixMicro()
}

// TestSameNameRereadKeepsTheFence: a second process with our consumer name
// (a name set twice, a restart that overlaps the old process) reads our
// pending entries at once, by ID 0, and pays one of them. Our batch is fresh
// by the clock, but its first entry was delivered twice: the script checks
// order by order, and no order is paid twice.
func TestSameNameRereadKeepsTheFence(t *testing.T) {
	ctx := context.Background()
	rdb := testkit.StartT(t).Client()
	for i := 1; i <= 3; i++ {
		o := events.Order{OrderID: fmt.Sprint("o", i), UserID: "u", ProductID: "p", Price: "10"}
		rdb.XAdd(ctx, &redis.XAddArgs{Stream: events.OrderStream, ID: fmt.Sprint("1-", i), Values: o.Fields()})
	}
	rdb.XGroupCreate(ctx, events.OrderStream, events.PaymentGroup, "0")
	pay := func(orders []order, readAt int64) []int64 {
		t.Helper()
		keys := []string{events.PaymentStream, paymentIDCounter, events.OrderStream}
		args := orderArgs(orders, 1000, events.PaymentGroup, readAt, int64(time.Hour/time.Microsecond))
		reply, err := payAndAckScript.Run(ctx, rdb, keys, args...).Int64Slice()
		if err != nil {
			t.Fatal(err)
		}
		return reply
	}

	ours := readOrders(t, rdb, "same", ">", 0) // the first process's batch, fresh
	now, err := rdb.Time(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	theirs := readOrders(t, rdb, "same", "0", 0) // the second process: our pending entries, again
	pay(theirs[:1], 0)                           // it pays o1 first
	reply := pay(ours, now.UnixMicro())
	if want := []int64{1, 0, 0, 1}; !slices.Equal(reply, want) {
		t.Errorf("reply %v, want %v: checked order by order, o1 skipped as paid before, o2 and o3 paid", reply, want)
	}
	if paid, want := paidOrders(t, rdb), []string{"o1", "o2", "o3"}; !slices.Equal(paid, want) {
		t.Errorf("payment-events holds %v, want %v: each order paid once", paid, want)
	}
}

// TestPayAndAckScriptBigBatch: Lua's unpack takes at most about 8,000 values.
// A batch bigger than that is acked at once in parts, and, delivered again
// after it was paid, answers every position as paid before.
func TestPayAndAckScriptBigBatch(t *testing.T) {
	const n = 8200
	ctx := context.Background()
	rdb := testkit.StartT(t).Client()
	pipe := rdb.Pipeline()
	for i := 1; i <= n; i++ {
		o := events.Order{OrderID: fmt.Sprint("o", i), UserID: "u", ProductID: "p", Price: "10"}
		pipe.XAdd(ctx, &redis.XAddArgs{Stream: events.OrderStream, ID: fmt.Sprint("1-", i), Values: o.Fields()})
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	rdb.XGroupCreate(ctx, events.OrderStream, events.PaymentGroup, "0")
	orders := readOrders(t, rdb, "a", ">", n)
	now, err := rdb.Time(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{events.PaymentStream, paymentIDCounter, events.OrderStream}
	hour := int64(time.Hour / time.Microsecond)
	for _, tc := range []struct {
		name      string
		readAt    int64
		wantReply int
	}{
		{"ours alone", now.UnixMicro(), 3},
		{"delivered again", 0, 3 + n},
	} {
		reply, err := payAndAckScript.Run(ctx, rdb, keys, orderArgs(orders, n, events.PaymentGroup, tc.readAt, hour)...).Int64Slice()
		if err != nil || len(reply) != tc.wantReply {
			t.Fatalf("%s: %d numbers in the reply (err %v), want %d", tc.name, len(reply), err, tc.wantReply)
		}
	}
	if got := rdb.XLen(ctx, events.PaymentStream).Val(); got != n {
		t.Errorf("payment-events holds %d payments, want %d", got, n)
	}
	if got := rdb.XPending(ctx, events.OrderStream, events.PaymentGroup).Val().Count; got != 0 {
		t.Errorf("%d order events still pending, want 0", got)
	}
}

// TestPayAndAckWithoutTime: an ACL user made from the rules before TIME was
// needed (users.acl without +time) still pays a fresh batch, checked order by
// order, instead of refusing every batch until it is dead-lettered.
func TestPayAndAckWithoutTime(t *testing.T) {
	if mode, _ := testkit.Mode(); mode != "real" {
		t.Skip("ACL users need a real redis-server (REDIS_TEST=real)")
	}
	ctx := context.Background()
	rdb, orders, now := threeOrdersSecondAckedByHand(t)
	var user acl.User
	for _, u := range acl.Users() {
		if u.Name == "payment-service" {
			user = u
		}
	}
	user.Rules = slices.DeleteFunc(user.Rules, func(r string) bool { return r == "+time" })
	if err := rdb.Do(ctx, user.SetUser("pw")...).Err(); err != nil {
		t.Fatal(err)
	}
	asUser := redis.NewClient(&redis.Options{Addr: rdb.Options().Addr, Username: user.Name, Password: "pw"})
	defer asUser.Close()
	if err := asUser.Time(ctx).Err(); err == nil || !strings.Contains(err.Error(), "NOPERM") {
		t.Fatalf("TIME as %s without +time: %v, want NOPERM", user.Name, err)
	}

	keys := []string{events.PaymentStream, paymentIDCounter, events.OrderStream}
	args := orderArgs(orders, 1000, events.PaymentGroup, now, int64(time.Hour/time.Microsecond))
	reply, err := payAndAckScript.Run(ctx, asUser, keys, args...).Int64Slice()
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{0, 0, 0, 2}; !slices.Equal(reply, want) {
		t.Errorf("reply %v, want %v: checked order by order, o1 and o3 paid, o2 (acked by hand) skipped", reply, want)
	}
}

// readOrders reads entries of order-events in the payment group, as consumer
// from cursor (">" or an ID), and parses them.
func readOrders(t *testing.T, rdb *redis.Client, consumer, cursor string, count int64) []order {
	t.Helper()
	streams, err := rdb.XReadGroup(context.Background(), &redis.XReadGroupArgs{Group: events.PaymentGroup,
		Consumer: consumer, Streams: []string{events.OrderStream, cursor}, Count: count}).Result()
	if err != nil {
		t.Fatal(err)
	}
	var orders []order
	for _, m := range streams[0].Messages {
		o, err := events.ParseOrder(m.ID, m.Values)
		if err != nil {
			t.Fatal(err)
		}
		orders = append(orders, order{entryID: m.ID, Order: o})
	}
	return orders
}

// paidOrders lists the orderId of each payment in payment-events, in order.
func paidOrders(t *testing.T, rdb *redis.Client) []string {
	t.Helper()
	payments, err := rdb.XRange(context.Background(), events.PaymentStream, "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	var paid []string
	for _, m := range payments {
		paid = append(paid, fmt.Sprint(m.Values["orderId"]))
	}
	return paid
}
