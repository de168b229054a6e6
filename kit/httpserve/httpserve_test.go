package httpserve

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// serve runs srv on a free loopback port until the test ends, and returns
// its base URL.
func serve(t *testing.T, srv *http.Server) string {
	t.Helper()
	srv.Addr = "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	addrs := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, srv, slog.New(slog.DiscardHandler), func(a net.Addr) { addrs <- a })
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	select {
	case a := <-addrs:
		return "http://" + a.String()
	case err := <-done:
		t.Fatalf("Serve: %v", err)
	}
	return ""
}

// routes answers POST /echo with the body's length, 413 when the body is
// over the limit and 400 when it cannot be read, as the services' handlers do.
func routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		n, err := io.Copy(io.Discard, r.Body)
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			Error(w, http.StatusRequestEntityTooLarge, "too large")
			return
		case err != nil:
			Error(w, http.StatusBadRequest, "cannot read the body")
			return
		}
		JSON(w, http.StatusOK, map[string]int64{"bytes": n})
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		JSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	return mux
}

func TestNewSetsEveryLimit(t *testing.T) {
	srv := New(":0", routes())
	for name, d := range map[string]time.Duration{
		"ReadHeaderTimeout": srv.ReadHeaderTimeout, "ReadTimeout": srv.ReadTimeout,
		"WriteTimeout": srv.WriteTimeout, "IdleTimeout": srv.IdleTimeout,
	} {
		if d <= 0 {
			t.Errorf("%s is not set", name)
		}
	}
	if srv.MaxHeaderBytes <= 0 {
		t.Error("MaxHeaderBytes is not set")
	}
}

func post(t *testing.T, url string, size int) int {
	t.Helper()
	resp, err := http.Post(url, "application/octet-stream", strings.NewReader(strings.Repeat("x", size)))
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// The body limit is New's, not the handler's: a body of MaxBodyBytes passes,
// one byte more gets 413.
func TestBodyLimit(t *testing.T) {
	base := serve(t, New("", routes()))
	if got := post(t, base+"/echo", MaxBodyBytes); got != http.StatusOK {
		t.Errorf("a body of MaxBodyBytes: status %d, want 200", got)
	}
	if got := post(t, base+"/echo", MaxBodyBytes+1); got != http.StatusRequestEntityTooLarge {
		t.Errorf("a body of MaxBodyBytes+1: status %d, want 413", got)
	}
}

// A method a route does not take gets 405, with the methods it does take.
func TestWrongMethod(t *testing.T) {
	base := serve(t, New("", routes()))
	for _, tc := range []struct{ method, path, allow string }{
		{http.MethodPost, "/healthz", "GET, HEAD"},
		{http.MethodDelete, "/healthz", "GET, HEAD"},
		{http.MethodGet, "/echo", "POST"},
	} {
		req, _ := http.NewRequest(tc.method, base+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: status %d, Allow %q; want 405, %q", tc.method, tc.path, resp.StatusCode, resp.Header.Get("Allow"), tc.allow)
		}
	}
}

// Headers over MaxHeaderBytes get 431 instead of filling memory.
func TestHeaderLimit(t *testing.T) {
	srv := New("", routes())
	base := serve(t, srv)
	req, _ := http.NewRequest(http.MethodGet, base+"/healthz", nil)
	req.Header.Set("X-Big", strings.Repeat("x", 2*srv.MaxHeaderBytes))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("status %d, want 431", resp.StatusCode)
	}
}

// cutOff sends a request that stops halfway, and reports whether the server
// closed the connection before the client's generous deadline. The timeouts
// are shortened on the server New returned, to keep the test fast.
func cutOff(t *testing.T, srv *http.Server, partial string) {
	t.Helper()
	base := serve(t, srv)
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, partial); err != nil {
		t.Fatal(err)
	}
	// Far above the shortened timeout: only a server that never gives up
	// hits it. No assertion on how soon it closed.
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	reply, err := io.ReadAll(bufio.NewReader(conn))
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		t.Fatalf("the server kept the connection open (read %q)", reply)
	}
	if strings.Contains(string(reply), " 200 ") {
		t.Fatalf("the server answered a partial request: %q", reply)
	}
}

// A client that sends half a header is cut off after ReadHeaderTimeout.
func TestSlowHeaderIsCutOff(t *testing.T) {
	srv := New("", routes())
	srv.ReadHeaderTimeout = 100 * time.Millisecond
	cutOff(t, srv, "GET /healthz HTTP/1.1\r\nHost: test\r\nX-Slow: ")
}

// A client that sends half a body is cut off after ReadTimeout.
func TestSlowBodyIsCutOff(t *testing.T) {
	srv := New("", routes())
	srv.ReadTimeout = 100 * time.Millisecond
	cutOff(t, srv, fmt.Sprintf("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: %d\r\n\r\nxx", 1000))
}

// TestTransferEncodingIsRefused: a request with both Content-Length and
// Transfer-Encoding: chunked, as a smuggler sends it through a proxy that
// trusts Content-Length, gets 400, and the connection closes: the request
// hidden after the chunks never runs. A chunked body alone is refused too.
func TestTransferEncodingIsRefused(t *testing.T) {
	var echoed atomic.Int64
	mux := routes()
	counted := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		echoed.Add(1)
		mux.ServeHTTP(w, r)
	})
	base := serve(t, New("", counted))
	hidden := "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
	for _, head := range []string{
		fmt.Sprintf("Content-Length: %d\r\nTransfer-Encoding: chunked\r\n", 5+len(hidden)),
		"Transfer-Encoding: chunked\r\n",
	} {
		conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		fmt.Fprintf(conn, "POST /echo HTTP/1.1\r\nHost: x\r\n%s\r\n0\r\n\r\n%s", head, hidden)
		reply, _ := io.ReadAll(conn) // until the server closes
		conn.Close()
		if !strings.HasPrefix(string(reply), "HTTP/1.1 400 ") || strings.Count(string(reply), "HTTP/1.1 ") != 1 {
			t.Errorf("%q: the server answered %q; want one 400, then the connection closed", head, reply)
		}
	}
	if n := echoed.Load(); n != 0 {
		t.Errorf("%d requests reached the handler, want 0", n)
	}
}

// The "stopping" line is written before LogStopping's done returns, every
// time: the service's last line comes after it. Without SIGTERM, no line.
func TestLogStopping(t *testing.T) {
	for range 200 {
		var lines strings.Builder
		log := slog.New(slog.NewTextHandler(&lines, nil)) // done orders its writes
		ctx, cancel := context.WithCancel(context.Background())
		done := LogStopping(ctx, log, 2*time.Second)
		cancel()
		done()
		log.Info("stopped")
		if got := lines.String(); !strings.Contains(got, "msg=\"stopping: /readyz answers 503 from now on\" shutdownDelay=2s\n") || !strings.HasSuffix(got, "msg=stopped\n") {
			t.Fatalf("the log was\n%s\nwant the stopping line, then msg=stopped", got)
		}
	}
	var lines strings.Builder
	done := LogStopping(context.Background(), slog.New(slog.NewTextHandler(&lines, nil)), 0)
	done()
	if lines.Len() != 0 {
		t.Errorf("without SIGTERM the log was %q, want nothing", lines.String())
	}
}
