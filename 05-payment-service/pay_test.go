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

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/consumer"
	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/testkit"
)

func TestNumberInTurn(t *testing.T) {
	for _, tc := range []struct {
		reply []int64
		want  []int64
		err   bool
	}{
		{[]int64{41}, []int64{42, 43, 44}, false},
		{[]int64{41, 2}, []int64{42, 0, 43}, false},
		{[]int64{0, 1, 2, 3}, []int64{0, 0, 0}, false},
		{[]int64{}, nil, true},
		{[]int64{41, 4}, nil, true},
		{[]int64{41, 3, 2}, nil, true},
		{[]int64{41, 1, 2, 3, 3}, nil, true},
	} {
		got, err := numberInTurn(tc.reply, 3)
		if (err != nil) != tc.err || !slices.Equal(got, tc.want) {
			t.Errorf("numberInTurn(%v, 3) = %v, %v; want %v (error %v)", tc.reply, got, err, tc.want, tc.err)
		}
	}
}

// TestPaidOnceWhateverTheGroupSays: the fence is the paid record, not the
// pending list. An order paid once is not paid again when it is delivered
// again in any way the group allows: acked by hand, read again by a process
// with the same name, or read again after the group was destroyed and made
// anew, by any number of payers, with the script acking or not (a cluster).
func TestPaidOnceWhateverTheGroupSays(t *testing.T) {
	for _, acks := range []bool{true, false} {
		t.Run(fmt.Sprint("script acks: ", acks), func(t *testing.T) {
			ctx := context.Background()
			rdb := testkit.StartT(t).Client()
			addOrders(t, rdb, 3)
			rdb.XGroupCreate(ctx, events.OrderStream, events.PaymentGroup, "0")
			a, b := newPayer(rdb, acks), newPayer(rdb, acks)

			first := readBatch(t, rdb, "same", ">")
			again := readBatch(t, rdb, "same", "0") // a second process with the same name
			rdb.XAck(ctx, events.OrderStream, events.PaymentGroup, "1-2")
			mustPay(t, b, again[:1])
			mustPay(t, a, first)
			rdb.XGroupDestroy(ctx, events.OrderStream, events.PaymentGroup)
			rdb.XGroupCreate(ctx, events.OrderStream, events.PaymentGroup, "0")
			mustPay(t, b, readBatch(t, rdb, "other", ">"))

			if paid, want := paidOrders(t, rdb), []string{"o1", "o2", "o3"}; !slices.Equal(paid, want) {
				t.Errorf("payment-events holds %v, want %v: each order paid once", paid, want)
			}
			if got := a.paid.Load() + b.paid.Load(); got != 3 {
				t.Errorf("%d payments counted, want 3", got)
			}
			if got := a.alreadyPaid.Load() + b.alreadyPaid.Load(); got != 4 {
				t.Errorf("%d deliveries counted as paid before, want 4 (o1 once, then all three)", got)
			}
			if pending := rdb.XPending(ctx, events.OrderStream, events.PaymentGroup).Val().Count; pending != 0 {
				t.Errorf("%d order events pending, want 0: acked by the script, or after it", pending)
			}
		})
	}
}

// TestPayScriptBigBatch: a batch as big as a consumer reads (MaxCount)
// goes through Lua's unpack in one piece, is acked, and, delivered again,
// answers every position as paid before.
func TestPayScriptBigBatch(t *testing.T) {
	const n = consumer.MaxCount
	ctx := context.Background()
	rdb := testkit.StartT(t).Client()
	addOrders(t, rdb, n)
	rdb.XGroupCreate(ctx, events.OrderStream, events.PaymentGroup, "0")
	p := newPayer(rdb, true)
	batch := readBatch(t, rdb, "a", ">")
	mustPay(t, p, batch)
	mustPay(t, p, batch)
	if got := rdb.XLen(ctx, events.PaymentStream).Val(); got != n {
		t.Errorf("payment-events holds %d payments, want %d", got, n)
	}
	if got := p.alreadyPaid.Load(); got != n {
		t.Errorf("the second time, %d orders were skipped as paid, want %d", got, n)
	}
	if got := rdb.XPending(ctx, events.OrderStream, events.PaymentGroup).Val().Count; got != 0 {
		t.Errorf("%d order events still pending, want 0", got)
	}
}

// TestRecordsLiveAsLongAsTheirEntries: the records of paid orders are
// forgotten a set at a time, once order-events holds none of their entries,
// and only then; a record found only in the older set moves to the newer one,
// so that it lives as long as the newest entry of its order.
func TestRecordsLiveAsLongAsTheirEntries(t *testing.T) {
	ctx := context.Background()
	rdb := testkit.StartT(t).Client()
	addOrders(t, rdb, 3) // o1 .. o3 at 1-1 .. 1-3
	addOrder := func(id, orderID string) {
		o := events.Order{OrderID: orderID, UserID: "u", ProductID: "p", Price: "10"}
		rdb.XAdd(ctx, &redis.XAddArgs{Stream: events.OrderStream, ID: id, Values: o.Fields()})
	}
	rdb.XGroupCreate(ctx, events.OrderStream, events.PaymentGroup, "0")
	p := newPayer(rdb, true)
	forget := func() {
		p.records.trimmedAt = time.Time{} // due again
		p.forgetTrimmed(ctx)
	}
	records := func(key string) []string {
		members := rdb.SMembers(ctx, key).Val()
		slices.Sort(members)
		return members
	}
	check := func(when string, newer, older []string, forgotten int64) {
		t.Helper()
		if got := records(paidOrdersKey); !slices.Equal(got, newer) {
			t.Errorf("%s: newer records %v, want %v", when, got, newer)
		}
		if got := records(olderPaidOrdersKey); !slices.Equal(got, older) {
			t.Errorf("%s: older records %v, want %v", when, got, older)
		}
		if got := p.records.forgotten.Load(); got != forgotten {
			t.Errorf("%s: %d records counted as forgotten, want %d", when, got, forgotten)
		}
	}

	mustPay(t, p, readBatch(t, rdb, "a", ">"))
	forget() // no older set yet: the newer one becomes it
	check("paid o1 .. o3", nil, []string{"o1", "o2", "o3"}, 0)

	addOrder("2-1", "o4")
	addOrder("2-2", "o1") // o1 again, published twice
	mustPay(t, p, readBatch(t, rdb, "a", ">"))
	forget() // order-events still holds 1-1 .. 1-3
	check("paid o4, skipped o1", []string{"o1", "o4"}, []string{"o1", "o2", "o3"}, 0)

	rdb.XTrimMaxLen(ctx, events.OrderStream, 2) // 1-1 .. 1-3 go
	forget()
	check("trimmed 1-1 .. 1-3", nil, []string{"o1", "o4"}, 3)

	// Read again from the start: o1 and o4 are still recorded, not paid twice.
	rdb.XGroupDestroy(ctx, events.OrderStream, events.PaymentGroup)
	rdb.XGroupCreate(ctx, events.OrderStream, events.PaymentGroup, "0")
	mustPay(t, p, readBatch(t, rdb, "b", ">"))
	if paid, want := paidOrders(t, rdb), []string{"o1", "o2", "o3", "o4"}; !slices.Equal(paid, want) {
		t.Errorf("payment-events holds %v, want %v: each order paid once", paid, want)
	}

	rdb.Del(ctx, events.OrderStream)
	forget() // nothing to compare with: keep every record
	check("order-events deleted", []string{"o1", "o4"}, []string{"o1", "o4"}, 3)
}

func newPayer(rdb redis.UniversalClient, acks bool) *payer {
	return &payer{rdb: rdb, log: slog.New(slog.NewTextHandler(io.Discard, nil)), out: cli.NewLines(io.Discard),
		maxLen: 1_000_000, acks: acks}
}

// addOrders writes orders o1..on with IDs 1-1..1-n: they share one millisecond.
func addOrders(t *testing.T, rdb *redis.Client, n int) {
	t.Helper()
	ctx := context.Background()
	pipe := rdb.Pipeline()
	for i := 1; i <= n; i++ {
		o := events.Order{OrderID: fmt.Sprint("o", i), UserID: "u", ProductID: "p", Price: "10"}
		pipe.XAdd(ctx, &redis.XAddArgs{Stream: events.OrderStream, ID: fmt.Sprint("1-", i), Values: o.Fields()})
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
}

// readBatch reads every entry of order-events it can in the payment group,
// as consumer from cursor (">" or an ID).
func readBatch(t *testing.T, rdb *redis.Client, consumerName, cursor string) []consumer.Message {
	t.Helper()
	streams, err := rdb.XReadGroup(context.Background(), &redis.XReadGroupArgs{Group: events.PaymentGroup,
		Consumer: consumerName, Streams: []string{events.OrderStream, cursor}, Count: 0}).Result()
	if err != nil {
		t.Fatal(err)
	}
	var batch []consumer.Message
	for _, m := range streams[0].Messages {
		batch = append(batch, consumer.Message{XMessage: m, Deliveries: 1})
	}
	return batch
}

func mustPay(t *testing.T, p *payer, batch []consumer.Message) {
	t.Helper()
	result, err := p.pay(context.Background(), batch)
	if err != nil || len(result.Rejected) > 0 {
		t.Fatalf("pay: %v, rejected %v", err, result.Rejected)
	}
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

// TestPayScriptRefusesWrongTypes: the script fails before any write when
// a key holds the wrong type.
func TestPayScriptRefusesWrongTypes(t *testing.T) {
	ctx := context.Background()
	for _, key := range []string{events.PaymentStream, paidOrdersKey, olderPaidOrdersKey, paidNewestKey} {
		rdb := testkit.StartT(t).Client()
		addOrders(t, rdb, 1)
		rdb.XGroupCreate(ctx, events.OrderStream, events.PaymentGroup, "0")
		rdb.Set(ctx, key, "x", 0)
		_, err := newPayer(rdb, true).pay(ctx, readBatch(t, rdb, "a", ">"))
		if err == nil || !strings.Contains(err.Error(), "WRONGTYPE") {
			t.Errorf("%s holds a string: pay answered %v, want WRONGTYPE", key, err)
		}
		if n := rdb.Exists(ctx, paymentIDCounter).Val(); n != 0 {
			t.Errorf("%s holds a string: the counter was written before the failure", key)
		}
	}
}
