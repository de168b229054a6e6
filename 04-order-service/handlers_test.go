package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/httpserve"
	"github.com/streams-workshop/kit/redisconn"
	"github.com/streams-workshop/kit/testkit"
)

// testService is the service against a Redis of its own, behind the same
// handler stack as in production (httpserve.New adds the body limit).
type testService struct {
	*service
	handler http.Handler
	client  *redis.Client // the test's own view of the stream
	out     *bytes.Buffer // the service's stdout
	logs    *bytes.Buffer // the service's stderr
}

func newTestService(t *testing.T) *testService {
	t.Helper()
	srv := testkit.StartT(t)
	ts := newServiceAt(t, srv.Addr())
	ts.client = srv.Client()
	t.Cleanup(func() { ts.client.Close() })
	return ts
}

// newServiceAt builds the service for a Redis at addr, without checking that
// anything answers there.
func newServiceAt(t *testing.T, addr string) *testService {
	t.Helper()
	client, err := redisconn.NewClient(redisconn.Target{Addrs: []string{addr}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	ts := &testService{out: new(bytes.Buffer), logs: new(bytes.Buffer)}
	ts.service = newService(client, config{maxLen: defaultMaxLen, idempotencyTTL: defaultIdempotencyTTL}, ts.out, slog.New(slog.NewTextHandler(ts.logs, nil)))
	ts.handler = httpserve.New("", routes(ts.service)).Handler
	return ts
}

func (ts *testService) do(method, target, contentType, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	ts.handler.ServeHTTP(rec, req)
	return rec
}

func (ts *testService) postOrder(body string) *httptest.ResponseRecorder {
	return ts.do(http.MethodPost, "/orders", "application/json", body)
}

func (ts *testService) entries(t *testing.T) []redis.XMessage {
	t.Helper()
	msgs, err := ts.client.XRange(context.Background(), events.OrderStream, "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func TestPostOrderPublishesWhatItAnswers(t *testing.T) {
	ts := newTestService(t)
	rec := ts.postOrder(`{"userId":"u1","productId":"p1","price":"12.50"}`)
	if rec.Code != http.StatusCreated {
		t.Fatalf("status %d, body %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	var got created
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	id, err := uuid.Parse(got.OrderID)
	if err != nil || id.Version() != 7 {
		t.Errorf("orderId %q is not a UUID v7 (%v)", got.OrderID, err)
	}

	msgs := ts.entries(t)
	if len(msgs) != 1 {
		t.Fatalf("%d entries, want 1", len(msgs))
	}
	if msgs[0].ID != got.EntryID {
		t.Errorf("entry ID %s, answered %s", msgs[0].ID, got.EntryID)
	}
	want := map[string]any{"userId": "u1", "productId": "p1", "price": "12.50", "orderId": got.OrderID}
	if len(msgs[0].Values) != len(want) {
		t.Errorf("fields %v, want %v", msgs[0].Values, want)
	}
	for k, v := range want {
		if msgs[0].Values[k] != v {
			t.Errorf("%s = %v, want %v", k, msgs[0].Values[k], v)
		}
	}
	wantLine := "Order created. orderId=" + got.OrderID + " userId=u1 productId=p1 price=12.50\n"
	if ts.out.String() != wantLine {
		t.Errorf("stdout %q, want %q", ts.out, wantLine)
	}
}

func TestGetOrderAnswersOKInPlainText(t *testing.T) {
	ts := newTestService(t)
	rec := ts.do(http.MethodGet, "/order?userId=u1&productId=p1&price=5000", "", "")
	if rec.Code != http.StatusOK || rec.Body.String() != "ok" {
		t.Fatalf("status %d, body %q", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q", ct)
	}
	if msgs := ts.entries(t); len(msgs) != 1 || msgs[0].Values["price"] != "5000" {
		t.Errorf("entries %v", msgs)
	}
}

// A price may come as a JSON string or a JSON number; either way the stream
// stores the text as written.
func TestPriceForms(t *testing.T) {
	ts := newTestService(t)
	for _, tc := range []struct{ price, stored, err string }{
		{price: `"12.50"`, stored: "12.50"},
		{price: `12.50`, stored: "12.50"},
		{price: `5000`, stored: "5000"},
		{price: `"0.01"`, stored: "0.01"},
		{price: `1e3`, err: "price must be a decimal number such as 5000 or 12.50"},
		{price: `-1`, err: "price must be greater than 0"},
		{price: `"12.345"`, err: "price has more than two decimals: write it such as 12.50"},
		{price: `0`, err: "price must be greater than 0"},
		{price: `1000000000.01`, err: "price must be at most 1000000000"},
		{price: `"00000000000001"`, err: "price is longer than 13 characters"},
		{price: `null`, err: "price is required"},
		{price: `true`, err: "price must be a string or a number"},
		{price: `{"amount":1}`, err: "price must be a string or a number"},
	} {
		before := len(ts.entries(t))
		rec := ts.postOrder(`{"userId":"u1","productId":"p1","price":` + tc.price + `}`)
		after := ts.entries(t)
		if tc.err != "" {
			if rec.Code != http.StatusBadRequest || errorOf(t, rec) != tc.err {
				t.Errorf("price %s: status %d, body %s, want 400 %q", tc.price, rec.Code, rec.Body, tc.err)
			}
			if len(after) != before {
				t.Errorf("price %s: published although refused", tc.price)
			}
			continue
		}
		if rec.Code != http.StatusCreated {
			t.Errorf("price %s: status %d, body %s", tc.price, rec.Code, rec.Body)
			continue
		}
		if got := after[len(after)-1].Values["price"]; got != tc.stored {
			t.Errorf("price %s: stored %v, want %q", tc.price, got, tc.stored)
		}
	}
}

// errorOf is the "error" of a JSON error body.
func errorOf(t *testing.T, rec *httptest.ResponseRecorder) string { return bodyField(t, rec, "error") }

// outcomeOf is the "outcome" of a 504's JSON body.
func outcomeOf(t *testing.T, rec *httptest.ResponseRecorder) string {
	return bodyField(t, rec, "outcome")
}

func bodyField(t *testing.T, rec *httptest.ResponseRecorder, name string) string {
	t.Helper()
	var body map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("body %q is not a JSON object of strings: %v", rec.Body, err)
	}
	return body[name]
}

func TestRefusedRequestsPublishNothing(t *testing.T) {
	ts := newTestService(t)
	const good = `{"userId":"u1","productId":"p1","price":"1"}`
	for _, tc := range []struct {
		name, method, target, contentType, body string
		status                                  int
		msg                                     string // the whole one-line reason
	}{
		{"no content type", "POST", "/orders", "", good, 415, "Content-Type must be application/json"},
		{"form content type", "POST", "/orders", "application/x-www-form-urlencoded", good, 415, "Content-Type must be application/json"},
		{"json with charset", "POST", "/orders", "application/json; charset=utf-8", `{}`, 400, "userId is required"},
		{"oversize", "POST", "/orders", "application/json", `{"userId":"` + strings.Repeat("u", httpserve.MaxBodyBytes) + `"}`, 413, "the body is larger than 65536 bytes"},
		{"oversize padding", "POST", "/orders", "application/json", good + strings.Repeat(" ", httpserve.MaxBodyBytes), 413, "the body is larger than 65536 bytes"},
		{"empty", "POST", "/orders", "application/json", "", 400, "the body is empty: send a JSON object"},
		{"trailing garbage", "POST", "/orders", "application/json", good + "x", 400, "the body must hold one JSON object and nothing after it"},
		{"two objects", "POST", "/orders", "application/json", good + good, 400, "the body must hold one JSON object and nothing after it"},
		{"unknown field", "POST", "/orders", "application/json", `{"userId":"u1","productId":"p1","price":"1","qty":2}`, 400, `unknown field "qty": send only userId, productId and price`},
		{"client orderId", "POST", "/orders", "application/json", `{"orderId":"x","userId":"u1","productId":"p1","price":"1"}`, 400, `unknown field "orderId": send only userId, productId and price`},
		{"number userId", "POST", "/orders", "application/json", `{"userId":1,"productId":"p1","price":"1"}`, 400, "userId must be a string"},
		// encoding/json alone would take these: it keeps the last of repeated
		// keys and matches keys case-insensitively.
		{"repeated key", "POST", "/orders", "application/json", `{"userId":"u1","userId":"admin","productId":"p1","price":"1"}`, 400, `field "userId" appears twice`},
		{"repeated price", "POST", "/orders", "application/json", `{"userId":"u1","productId":"p1","price":"1","price":2}`, 400, `field "price" appears twice`},
		{"upper-case key", "POST", "/orders", "application/json", `{"USERID":"u1","productId":"p1","price":"1"}`, 400, `unknown field "USERID": send only userId, productId and price`},
		{"key in another case", "POST", "/orders", "application/json", `{"userId":"u1","productId":"p1","Price":"1"}`, 400, `unknown field "Price": send only userId, productId and price`},
		{"array", "POST", "/orders", "application/json", `[]`, 400, "the body must be a JSON object"},
		{"tab in productId", "POST", "/orders", "application/json", `{"userId":"u1","productId":"p\t1","price":"1"}`, 400, "productId must be printable, without spaces"},
		{"long userId", "POST", "/orders", "application/json", `{"userId":"` + strings.Repeat("u", 65) + `","productId":"p1","price":"1"}`, 400, "userId is longer than 64 bytes"},
	} {
		rec := ts.do(tc.method, tc.target, tc.contentType, tc.body)
		if rec.Code != tc.status || errorOf(t, rec) != tc.msg {
			t.Errorf("%s: status %d, body %s; want %d %q", tc.name, rec.Code, rec.Body, tc.status, tc.msg)
		}
	}
	for _, tc := range []struct{ target, msg string }{
		{"/order", "userId is required\n"},
		{"/order?userId=u%FF&productId=p1&price=1", "userId is not valid UTF-8\n"},
		{"/order?userId=u1&productId=p1&price=1.5.0", "price must be a decimal number such as 5000 or 12.50\n"},
		{"/order?userId=u1&productId=p1&price=%2B5", "price must be a decimal number such as 5000 or 12.50\n"},
	} {
		rec := ts.do(http.MethodGet, tc.target, "", "")
		if rec.Code != http.StatusBadRequest || rec.Body.String() != tc.msg {
			t.Errorf("GET %s: status %d, body %q; want 400 %q", tc.target, rec.Code, rec.Body, tc.msg)
		}
	}
	for _, tc := range []struct{ method, target string }{
		{"POST", "/order"}, {"PUT", "/order"}, {"GET", "/orders"}, {"PATCH", "/orders"}, {"POST", "/healthz"},
		// ServeMux sends HEAD to a GET handler: it must not place an order.
		{"HEAD", "/order?userId=u1&productId=p1&price=1"},
	} {
		if rec := ts.do(tc.method, tc.target, "application/json", good); rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("%s %s: status %d, want 405", tc.method, tc.target, rec.Code)
		}
	}
	if n := len(ts.entries(t)); n != 0 {
		t.Errorf("%d entries published, want none", n)
	}
	if ts.out.Len() != 0 {
		t.Errorf("stdout %q, want nothing", ts.out)
	}
	if got := ts.rejected.Load(); got != 22 {
		t.Errorf("rejected = %d, want 22 (405s are not counted)", got)
	}
}

// Orders placed at the same time each get their own orderId, and each line
// of stdout stays whole.
func TestConcurrentOrders(t *testing.T) {
	ts := newTestService(t)
	const n = 20
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if rec := ts.postOrder(`{"userId":"u1","productId":"p1","price":"1"}`); rec.Code != http.StatusCreated {
				t.Errorf("status %d, body %s", rec.Code, rec.Body)
			}
		})
	}
	wg.Wait()
	msgs := ts.entries(t)
	seen := map[any]bool{}
	for _, m := range msgs {
		seen[m.Values["orderId"]] = true
	}
	if len(msgs) != n || len(seen) != n {
		t.Errorf("%d entries with %d distinct orderIds, want %d", len(msgs), len(seen), n)
	}
	lines := strings.Split(strings.TrimSuffix(ts.out.String(), "\n"), "\n")
	for _, line := range lines {
		if !strings.HasPrefix(line, "Order created. orderId=") || !strings.HasSuffix(line, " price=1") {
			t.Errorf("stdout line %q", line)
		}
	}
	if len(lines) != n {
		t.Errorf("%d stdout lines, want %d", len(lines), n)
	}
}

// A Redis that accepts connections but never answers, as a hung server or a
// lost network does: requests end within the timeouts. The service cannot
// tell whether the order got through, so it says so: 504, outcome unknown.
func TestHungRedisGives504(t *testing.T) {
	testkit.Slow(t, "a fault scenario (Redis hangs)")
	ts := newServiceAt(t, hungRedis(t))

	rec := ts.postOrder(`{"userId":"u1","productId":"p1","price":"1"}`)
	if rec.Code != http.StatusGatewayTimeout || outcomeOf(t, rec) != "unknown" {
		t.Errorf("POST: status %d, body %s", rec.Code, rec.Body)
	}
	if rec := ts.do(http.MethodGet, "/healthz", "", ""); rec.Code != http.StatusServiceUnavailable {
		t.Errorf("healthz: status %d, body %s", rec.Code, rec.Body)
	}
	rec = ts.do(http.MethodGet, "/stats", "", "")
	var st stats
	if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("stats: status %d, body %s", rec.Code, rec.Body)
	}
	if st.Unknown != 1 || st.Failed != 0 || st.Accepted != 0 || st.StreamLength != nil {
		t.Errorf("stats %+v", st)
	}
	if !strings.Contains(ts.logs.String(), `level=ERROR msg="order outcome unknown"`) {
		t.Errorf("stderr %q", ts.logs)
	}
}

// Orders that queue behind a pipeline a hung Redis never answers are still
// answered within about publishTimeout each: 504 if they were sent, 503 if
// their deadline passed before their turn came.
func TestHungRedisAnswersQueuedOrdersInTime(t *testing.T) {
	testkit.Slow(t, "a fault scenario (Redis hangs)")
	ts := newServiceAt(t, hungRedis(t))

	const n = 10
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			time.Sleep(time.Duration(i) * 50 * time.Millisecond) // a queue behind the first
			start := time.Now()
			rec := ts.postOrder(`{"userId":"u1","productId":"p1","price":"1"}`)
			if took := time.Since(start); took > publishTimeout+time.Second {
				t.Errorf("order %d answered after %v", i, took)
			}
			if rec.Code != http.StatusGatewayTimeout && rec.Code != http.StatusServiceUnavailable {
				t.Errorf("order %d: status %d, body %s", i, rec.Code, rec.Body)
			}
		})
	}
	wg.Wait()
	if u, f := ts.unknown.Load(), ts.failed.Load(); u+f != n || u == 0 {
		t.Errorf("unknown %d, failed %d; want %d in all, some unknown", u, f, n)
	}
}

func TestConfig(t *testing.T) {
	for _, tc := range []struct {
		env    map[string]string
		port   string
		maxLen int64
		ttl    time.Duration
		err    string
	}{
		{env: nil, port: "8080", maxLen: 1_000_000},
		{env: map[string]string{"PORT": "9090", "ORDER_STREAM_MAXLEN": "500"}, port: "9090", maxLen: 500},
		{env: map[string]string{"PORT": "0"}, port: "0", maxLen: 1_000_000},
		{env: map[string]string{"IDEMPOTENCY_KEY_TTL": "90m"}, port: "8080", maxLen: 1_000_000, ttl: 90 * time.Minute},
		{env: map[string]string{"IDEMPOTENCY_KEY_TTL": "500ms"}, err: `IDEMPOTENCY_KEY_TTL="500ms": want a Go duration of at least 1s, such as 24h`},
		{env: map[string]string{"IDEMPOTENCY_KEY_TTL": "24"}, err: `IDEMPOTENCY_KEY_TTL="24": want a Go duration of at least 1s, such as 24h`},
		{env: map[string]string{"PORT": "65536"}, err: `PORT="65536": want a port number from 0 to 65535`},
		{env: map[string]string{"PORT": ":8080"}, err: `PORT=":8080": want a port number from 0 to 65535`},
		{env: map[string]string{"ORDER_STREAM_MAXLEN": "-1"}, err: `ORDER_STREAM_MAXLEN="-1": want a whole number, at least 1`},
		{env: map[string]string{"ORDER_STREAM_MAXLEN": "1M"}, err: `ORDER_STREAM_MAXLEN="1M": want a whole number, at least 1`},
	} {
		cfg, err := readConfig(func(k string) string { return tc.env[k] })
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%v: err %v, want %q", tc.env, err, tc.err)
			}
			continue
		}
		if tc.ttl == 0 {
			tc.ttl = 24 * time.Hour
		}
		if err != nil || cfg.port != tc.port || cfg.maxLen != tc.maxLen || cfg.idempotencyTTL != tc.ttl {
			t.Errorf("%v: %+v %v, want %q %d %v", tc.env, cfg, err, tc.port, tc.maxLen, tc.ttl)
		}
	}
}

// hungRedis returns the address of a server that accepts connections and
// reads every command, but never answers, as a hung Redis or a lost network.
func hungRedis(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns sync.WaitGroup
	t.Cleanup(func() { l.Close(); conns.Wait() })
	conns.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns.Go(func() { io.Copy(io.Discard, c); c.Close() })
		}
	})
	return l.Addr().String()
}
