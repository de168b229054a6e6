package main

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/redisconn"
	"github.com/streams-workshop/kit/testkit"
)

// startRedis starts a private Redis in the test kit's mode (REDIS_TEST) and
// returns a client and where it is.
func startRedis(t *testing.T) (*testkit.Server, redis.UniversalClient, redisconn.Target) {
	t.Helper()
	srv := testkit.StartT(t)
	target, err := redisconn.Parse(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	rdb, err := redisconn.NewClient(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	return srv, rdb, target
}

func do(t *testing.T, rdb redis.UniversalClient, args ...any) {
	t.Helper()
	if err := rdb.Do(context.Background(), args...).Err(); err != nil {
		t.Fatalf("%v: %v", args, err)
	}
}

// getJSON fetches url with the Accept-Language header and decodes the answer.
func getJSON(t *testing.T, url, acceptLanguage string, v any) *http.Response {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Language", acceptLanguage)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v\n%s", url, err, body)
	}
	return resp
}

// A known state, as inspect.txtar sets it up: two orders, one read and not
// acked by payment-service-group; a payment; a dead letter.
func knownState(t *testing.T, rdb redis.UniversalClient) {
	do(t, rdb, "XADD", "order-events", "1700000000000-0", "userId", "u1", "productId", "p1", "price", "10", "orderId", "o1")
	do(t, rdb, "XADD", "order-events", "1700000000001-0", "userId", "<b>u2</b>", "productId", "p2", "price", "20", "orderId", "o2")
	do(t, rdb, "XGROUP", "CREATE", "order-events", "payment-service-group", "0")
	do(t, rdb, "XREADGROUP", "GROUP", "payment-service-group", "instance-1", "COUNT", "2", "STREAMS", "order-events", ">")
	do(t, rdb, "XACK", "order-events", "payment-service-group", "1700000000000-0")
	do(t, rdb, "XADD", "payment-events", "1700000000005-0", "userId", "u1", "productId", "p1", "price", "10", "paymentProcessId", "1", "orderId", "o1")
	do(t, rdb, "XADD", "order-events:dlq:payment-service-group", "1700000000009-0", "userId", "u9", "price", "abc", "orderId", "o9",
		"dlq.reason", "invalid order: price must be a decimal number")
}

func TestStateJSON(t *testing.T) {
	_, rdb, target := startRedis(t)
	knownState(t, rdb)
	web := httptest.NewServer(webHandler(rdb, target, webOptions{maxScan: 1000}))
	defer web.Close()

	var state webState
	resp := getJSON(t, web.URL+"/api/state", "en-GB,en;q=0.9", &state)
	if csp := resp.Header.Get("Content-Security-Policy"); csp == "" {
		t.Error("no Content-Security-Policy: the page must run only its own script")
	}
	if state.Error != "" || state.Redis != target.String() || state.Lang != "en" {
		t.Fatalf("error %q, redis %q, lang %q; want no error, %q, en", state.Error, state.Redis, state.Lang, target)
	}
	names := []string{}
	byName := map[string]streamState{}
	for _, s := range state.Streams {
		names = append(names, s.Name)
		byName[s.Name] = s
	}
	if want := []string{"order-events", "payment-events", "order-events:dlq:payment-service-group"}; !slices.Equal(names, want) {
		t.Fatalf("streams %v, want %v", names, want)
	}

	orders := byName["order-events"]
	if orders.Length != 2 || orders.LastID != "1700000000001-0" || len(orders.Newest) != 2 {
		t.Fatalf("order-events: length %d, last %s, %d newest; want 2, 1700000000001-0, 2", orders.Length, orders.LastID, len(orders.Newest))
	}
	// Newest first, fields in the order they were written, as they are: the
	// page escapes them, the JSON does not change them.
	newest := orders.Newest[0]
	if newest.ID != "1700000000001-0" || newest.Fields[0] != [2]string{"userId", "<b>u2</b>"} || newest.field("orderId") != "o2" {
		t.Errorf("newest order-events entry: %+v", newest)
	}
	if len(orders.Groups) != 1 {
		t.Fatalf("order-events groups: %+v", orders.Groups)
	}
	g := orders.Groups[0]
	if g.Name != "payment-service-group" || g.Pending != 1 || len(g.Consumers) != 1 ||
		g.Consumers[0].Name != "instance-1" || g.Consumers[0].Pending != 1 {
		t.Errorf("payment-service-group: %+v", g)
	}
	// A real Redis knows lag and entries read; the embedded one does not, and
	// the JSON says null (n/a) rather than a wrong number.
	if state.Embedded {
		if g.Lag != nil || g.EntriesRead != nil || g.Consumers[0].IdleMs != nil {
			t.Errorf("embedded Redis: lag %v, entries read %v, idle %v; want null", g.Lag, g.EntriesRead, g.Consumers[0].IdleMs)
		}
	} else if g.Lag == nil || *g.Lag != 0 || g.EntriesRead == nil || *g.EntriesRead != 2 || g.Consumers[0].IdleMs == nil {
		t.Errorf("real Redis: lag %v, entries read %v, idle %v; want 0, 2, a number", g.Lag, g.EntriesRead, g.Consumers[0].IdleMs)
	}

	dead := byName["order-events:dlq:payment-service-group"]
	if dead.Length != 1 || dead.Newest[0].field("dlq.reason") != "invalid order: price must be a decimal number" {
		t.Errorf("dead letters: %+v", dead)
	}

	// A Korean browser gets Korean labels.
	getJSON(t, web.URL+"/api/state", "ko-KR,ko;q=0.9,en;q=0.8", &state)
	if state.Lang != "ko" {
		t.Errorf("Accept-Language ko-KR: lang %q, want ko", state.Lang)
	}
}

func TestOrderJSON(t *testing.T) {
	_, rdb, target := startRedis(t)
	knownState(t, rdb)
	web := httptest.NewServer(webHandler(rdb, target, webOptions{maxScan: 1000}))
	defer web.Close()

	var o webOrder
	getJSON(t, web.URL+"/api/order?id=o1", "", &o)
	if o.Error != "" || o.OrderID != "o1" || len(o.Entries) != 2 {
		t.Fatalf("o1: %+v; want two entries", o)
	}
	if e := o.Entries[0]; e.Stream != "order-events" || len(e.Groups) != 1 || e.Groups[0].Status != acked {
		t.Errorf("o1 in order-events: %+v; want acked by payment-service-group", e)
	}
	if e := o.Entries[1]; e.Stream != "payment-events" || e.field("paymentProcessId") != "1" {
		t.Errorf("o1 in payment-events: %+v", e)
	}

	getJSON(t, web.URL+"/api/order?id=o2", "", &o)
	if len(o.Entries) != 1 || len(o.Entries[0].Groups) != 1 {
		t.Fatalf("o2: %+v", o)
	}
	if d := o.Entries[0].Groups[0]; d.Status != pending || d.Consumer != "instance-1" || d.Deliveries != 1 {
		t.Errorf("o2: %+v; want pending at instance-1, delivered once", d)
	}

	// The entry ID of an order leads to its orderId.
	getJSON(t, web.URL+"/api/order?id=1700000000001-0", "", &o)
	if o.OrderID != "o2" || o.EntryID != "1700000000001-0" {
		t.Errorf("entry ID 1700000000001-0: orderId %q, entryId %q; want o2, 1700000000001-0", o.OrderID, o.EntryID)
	}

	// A dead letter, and an order nobody knows.
	getJSON(t, web.URL+"/api/order?id=o9", "", &o)
	if len(o.Entries) != 1 || o.Entries[0].Stream != "order-events:dlq:payment-service-group" {
		t.Errorf("o9: %+v; want its dead letter", o)
	}
	// An order traced by the services shows its trace ID; the others none.
	const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	do(t, rdb, "XADD", "order-events", "1700000000020-0", "userId", "u3", "productId", "p3", "price", "30", "orderId", "o3", "traceparent", traceparent)
	getJSON(t, web.URL+"/api/order?id=o3", "", &o)
	if o.TraceID != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Errorf("o3: traceId %q, want the one in its traceparent", o.TraceID)
	}
	o = webOrder{}
	getJSON(t, web.URL+"/api/order?id=o1", "", &o)
	if o.TraceID != "" {
		t.Errorf("o1 has no traceparent: traceId %q, want none", o.TraceID)
	}
	getJSON(t, web.URL+"/api/order?id=nobody", "", &o)
	if len(o.Entries) != 0 || len(o.Scanned) != 3 || o.Error != "" {
		t.Errorf("nobody: %+v; want no entry, three streams scanned", o)
	}
}

// TestWebFlag checks the three ways to write -web, and that -web ADDR does
// not swallow the flags after it.
func TestWebFlag(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		addr, lang string
	}{
		{nil, "", ""},
		{[]string{"-web"}, defaultWebAddr, ""},
		{[]string{"-web", "-lang", "ko"}, defaultWebAddr, "ko"},
		{[]string{"-web", "0.0.0.0:9000", "-lang", "ko"}, "0.0.0.0:9000", "ko"},
		{[]string{"--web", ":9000"}, ":9000", ""},
		{[]string{"-lang", "ko", "-web=127.0.0.1:9001"}, "127.0.0.1:9001", "ko"},
	} {
		flags := flag.NewFlagSet("inspect", flag.ContinueOnError)
		var web webFlag
		flags.Var(&web, "web", "")
		lang := flags.String("lang", "", "")
		if err := flags.Parse(webAddrArg(tc.args)); err != nil {
			t.Errorf("%q: %v", tc.args, err)
			continue
		}
		if web.addr != tc.addr || *lang != tc.lang || flags.NArg() != 0 {
			t.Errorf("%q: web %q, lang %q, args %q; want %q, %q, none", tc.args, web.addr, *lang, flags.Args(), tc.addr, tc.lang)
		}
	}
}
