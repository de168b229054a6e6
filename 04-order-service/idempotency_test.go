package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/testkit"
)

// These tests run in both Redis modes: miniredis runs Lua scripts too, and
// freezableProxy freezes either server.

func (ts *testService) postOrderWithKey(key, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/orders", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	rec := httptest.NewRecorder()
	ts.handler.ServeHTTP(rec, req)
	return rec
}

func createdOf(t *testing.T, rec *httptest.ResponseRecorder) created {
	t.Helper()
	var c created
	if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &c) != nil || c.EntryID == "" {
		t.Fatalf("status %d, body %s; want 201 with an entry ID", rec.Code, rec.Body)
	}
	return c
}

func TestIdempotencyKeyReplaysTheFirstAnswer(t *testing.T) {
	ts := newTestService(t)
	const body = `{"userId":"u1","productId":"p1","price":"12.50"}`
	first := createdOf(t, ts.postOrderWithKey("order-42", body))
	if rec := ts.postOrderWithKey("order-42", body); createdOf(t, rec) != first || rec.Header().Get("Idempotent-Replayed") != "true" {
		t.Errorf("repeat: %s, headers %v; want the first answer %+v, replayed", rec.Body, rec.Header(), first)
	}
	// The same order, the price as a number: the same request.
	if got := createdOf(t, ts.postOrderWithKey("order-42", `{"userId":"u1","productId":"p1","price":12.50}`)); got != first {
		t.Errorf("repeat with a number price: %+v, want %+v", got, first)
	}
	rec := ts.postOrderWithKey("order-42", `{"userId":"u1","productId":"p1","price":"99"}`)
	if rec.Code != http.StatusConflict || errorOf(t, rec) != "this Idempotency-Key was used for a different order" {
		t.Errorf("another order with the key: status %d, body %s; want 409", rec.Code, rec.Body)
	}
	// Another key is another order.
	if other := createdOf(t, ts.postOrderWithKey("order-43", body)); other.OrderID == first.OrderID {
		t.Errorf("another key got the same orderId")
	}

	msgs := ts.entries(t)
	if len(msgs) != 2 || msgs[0].ID != first.EntryID || msgs[0].Values["orderId"] != first.OrderID {
		t.Errorf("entries %v, want 2, the first %+v", msgs, first)
	}
	if n := strings.Count(ts.out.String(), "Order created."); n != 2 {
		t.Errorf("stdout %q: want 2 Order created lines", ts.out)
	}
	if a, r, j := ts.accepted.Load(), ts.replayed.Load(), ts.keyReused.Load(); a != 2 || r != 2 || j != 1 {
		t.Errorf("accepted %d, replayed %d, key reused %d; want 2, 2, 1", a, r, j)
	}
	// The key's record shares the stream's hash slot, and expires.
	ttl, err := ts.client.TTL(context.Background(), "{order-events}:idem:order-42").Result()
	if err != nil || ttl <= 0 || ttl > defaultIdempotencyTTL {
		t.Errorf("TTL of the key's record: %v %v, want up to %v", ttl, err, defaultIdempotencyTTL)
	}
}

// Repeats sent at the same time, as an impatient client's retries are: the
// script runs them one after another, so one adds the order and the others
// find its record.
func TestConcurrentRepeatsAddOneEntry(t *testing.T) {
	ts := newTestService(t)
	const n = 10
	recs := make([]*httptest.ResponseRecorder, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			recs[i] = ts.postOrderWithKey("same", `{"userId":"u1","productId":"p1","price":"1"}`)
		})
	}
	wg.Wait()
	first := createdOf(t, recs[0])
	for _, rec := range recs[1:] {
		if got := createdOf(t, rec); got != first {
			t.Errorf("answers differ: %+v and %+v", first, got)
		}
	}
	if msgs := ts.entries(t); len(msgs) != 1 {
		t.Errorf("%d entries, want 1", len(msgs))
	}
	if a, r := ts.accepted.Load(), ts.replayed.Load(); a != 1 || r != n-1 {
		t.Errorf("accepted %d, replayed %d; want 1, %d", a, r, n-1)
	}
}

func TestBadIdempotencyKeyIsRefused(t *testing.T) {
	ts := newTestService(t)
	const want = "Idempotency-Key must be one value of 1 to 128 printable ASCII characters, without spaces"
	for _, key := range []string{"", "a b", "tab\t", "é", strings.Repeat("k", 129)} {
		rec := ts.postOrderWithKey(key, `{"userId":"u1","productId":"p1","price":"1"}`)
		if rec.Code != http.StatusBadRequest || errorOf(t, rec) != want {
			t.Errorf("key %q: status %d, body %s", key, rec.Code, rec.Body)
		}
	}
	req := httptest.NewRequest(http.MethodPost, "/orders", strings.NewReader(`{"userId":"u1","productId":"p1","price":"1"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header["Idempotency-Key"] = []string{"k1", "k2"}
	rec := httptest.NewRecorder()
	ts.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest {
		t.Errorf("two keys: status %d, body %s", rec.Code, rec.Body)
	}
	if n := len(ts.entries(t)); n != 0 {
		t.Errorf("%d entries, want none", n)
	}
	createdOf(t, ts.postOrderWithKey(strings.Repeat("k", 128), `{"userId":"u1","productId":"p1","price":"1"}`))
}

// Redis down: nothing can be sent, so the answer is a certain 503 with
// Retry-After, with or without a key.
func TestRedisDownGives503WithRetryAfter(t *testing.T) {
	testkit.Slow(t, "a fault scenario (Redis down)")
	srv := testkit.StartT(t)
	ts := newServiceAt(t, srv.Addr())
	srv.Stop()
	for _, key := range []string{"", "k1"} {
		var rec *httptest.ResponseRecorder
		if key == "" {
			rec = ts.postOrder(`{"userId":"u1","productId":"p1","price":"1"}`)
		} else {
			rec = ts.postOrderWithKey(key, `{"userId":"u1","productId":"p1","price":"1"}`)
		}
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "1" ||
			errorOf(t, rec) != "order not published: Redis is unavailable, try again later" {
			t.Errorf("key %q: status %d, headers %v, body %s", key, rec.Code, rec.Header(), rec.Body)
		}
	}
	rec := ts.do(http.MethodGet, "/order?userId=u1&productId=p1&price=1", "", "")
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "1" {
		t.Errorf("GET /order: status %d, headers %v", rec.Code, rec.Header())
	}
	if f, a := ts.failed.Load(), ts.accepted.Load(); f != 3 || a != 0 {
		t.Errorf("failed %d, accepted %d; want 3, 0", f, a)
	}
}

// Redis freezes while an order is on its way: the service cannot know whether
// it ran, and says so with 504. When Redis wakes it runs the order; a retry
// with the same key then gets that order's IDs, and the stream holds it once.
func TestFrozenRedisGives504AndRetryIsSafe(t *testing.T) {
	testkit.Slow(t, "a fault scenario (Redis frozen)")
	direct := newTestService(t)
	proxy := newFreezableProxy(t, direct.client.Options().Addr)
	ts := newServiceAt(t, proxy.addr())
	ts.client = direct.client

	// A first order: the connection is open and the script cached, as on a
	// service that has been running for a while.
	createdOf(t, ts.postOrderWithKey("k0", `{"userId":"u0","productId":"p0","price":"1"}`))

	const body = `{"userId":"u1","productId":"p1","price":"5"}`
	proxy.freeze()
	rec := ts.postOrderWithKey("k1", body)
	var unknown struct{ Outcome, OrderID string }
	json.Unmarshal(rec.Body.Bytes(), &unknown)
	if rec.Code != http.StatusGatewayTimeout || unknown.Outcome != "unknown" || unknown.OrderID == "" || rec.Header().Get("Retry-After") != "" {
		t.Fatalf("frozen: status %d, headers %v, body %s; want 504, outcome unknown", rec.Code, rec.Header(), rec.Body)
	}
	proxy.thaw()
	waitLen(t, ts, 2) // the frozen order ran when Redis woke

	retry := createdOf(t, ts.postOrderWithKey("k1", body))
	msgs := ts.entries(t)
	if retry.OrderID != unknown.OrderID || len(msgs) != 2 || msgs[1].ID != retry.EntryID || msgs[1].Values["orderId"] != retry.OrderID {
		t.Errorf("retry %+v, 504 said orderId %s; entries %v", retry, unknown.OrderID, msgs)
	}
	if u, a, r := ts.unknown.Load(), ts.accepted.Load(), ts.replayed.Load(); u != 1 || a != 1 || r != 1 {
		t.Errorf("unknown %d, accepted %d, replayed %d; want 1, 1, 1", u, a, r)
	}
}

// waitLen waits until order-events holds n entries, for at most 10 s.
func waitLen(t *testing.T, ts *testService, n int64) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; {
		got, err := ts.client.XLen(context.Background(), events.OrderStream).Result()
		if err == nil && got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("XLEN %s = %d (%v), want %d", events.OrderStream, got, err, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// freezableProxy forwards TCP connections to a server. While frozen it holds
// every byte, as a Redis stopped with SIGSTOP does: its kernel still accepts
// connections and buffers what clients send, and the server runs it on waking.
type freezableProxy struct {
	l      net.Listener
	target string
	gate   sync.RWMutex // freeze holds it; every forwarded write waits for it
}

func newFreezableProxy(t *testing.T, target string) *freezableProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &freezableProxy{l: l, target: target}
	var conns sync.WaitGroup
	var mu sync.Mutex
	var open []net.Conn
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range open {
			c.Close()
		}
		mu.Unlock()
		conns.Wait()
	})
	conns.Go(func() {
		for {
			client, err := l.Accept()
			if err != nil {
				return
			}
			server, err := net.Dial("tcp", target)
			if err != nil {
				client.Close()
				continue
			}
			mu.Lock()
			open = append(open, client, server)
			mu.Unlock()
			conns.Go(func() { p.forward(server, client) })
			conns.Go(func() { p.forward(client, server) })
		}
	})
	return p
}

func (p *freezableProxy) addr() string { return p.l.Addr().String() }
func (p *freezableProxy) freeze()      { p.gate.Lock() }
func (p *freezableProxy) thaw()        { p.gate.Unlock() }

// forward copies src to dst, each write waiting while the proxy is frozen.
func (p *freezableProxy) forward(dst, src net.Conn) {
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.gate.RLock()
			_, werr := dst.Write(buf[:n])
			p.gate.RUnlock()
			if werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
