package main

import (
	"context"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/httpserve"
	"github.com/streams-workshop/kit/lang"
	"github.com/streams-workshop/kit/redisconn"
)

// defaultWebAddr is where -web listens: loopback, so that only this computer
// sees the streams unless the teacher says otherwise.
const defaultWebAddr = "127.0.0.1:8090"

// webFlag is -web: on its own it means the default address; -web=ADDR (or
// -web ADDR, see webAddrArg) gives another.
type webFlag struct{ addr string }

func (f *webFlag) String() string   { return f.addr }
func (f *webFlag) IsBoolFlag() bool { return true }

func (f *webFlag) Set(s string) error {
	switch s {
	case "true":
		f.addr = defaultWebAddr
	case "false":
		f.addr = ""
	default:
		if _, _, err := net.SplitHostPort(s); err != nil {
			return fmt.Errorf(lang.Pick("want host:port, such as %s", "host:port 형식이어야 한다. 예: %s"), defaultWebAddr)
		}
		f.addr = s
	}
	return nil
}

// webAddrArg joins "-web ADDR" into "-web=ADDR". The flag package reads a
// boolean flag's next word as an argument, not as the flag's value.
func webAddrArg(args []string) []string {
	out := slices.Clone(args)
	for i := 0; i+1 < len(out) && out[i] != "--"; i++ {
		if (out[i] == "-web" || out[i] == "--web") && !strings.HasPrefix(out[i+1], "-") {
			out[i] += "=" + out[i+1]
			out = slices.Delete(out, i+1, i+2)
		}
	}
	return out
}

type webOptions struct {
	addr    string
	lang    string // en, ko, or "" for the browser's language
	maxScan int64  // how far back an order search reads each stream
}

// serveWeb serves the live page until ctx is done. Redis may be down when it
// starts, or go down later: the page says so, and recovers when Redis is back.
func serveWeb(ctx context.Context, getenv func(string) string, stdout, stderr io.Writer, opts webOptions) error {
	target, err := redisconn.FromEnv(getenv)
	if err != nil {
		return err
	}
	rdb, err := redisconn.NewClient(target)
	if err != nil {
		return err
	}
	defer rdb.Close()
	// Once Redis answers, one node of a cluster in REDIS_URL is followed as
	// the cluster (the page says itself what is wrong meanwhile).
	go redisconn.Wait(ctx, rdb, target, slog.New(slog.DiscardHandler))
	log := slog.New(slog.NewTextHandler(stderr, nil))
	srv := httpserve.New(opts.addr, webHandler(rdb, target, opts))
	return httpserve.Serve(ctx, srv, log, func(addr net.Addr) {
		fmt.Fprintf(stdout, lang.Pick("Watching Redis at %s. Open %s in a browser; Ctrl-C stops.\n",
			"Redis(%s)를 지켜본다. 브라우저로 %s 페이지를 연다. Ctrl-C로 멈춘다.\n"), target, pageURL(addr))
		if ip := addr.(*net.TCPAddr).IP; ip.IsLoopback() {
			fmt.Fprintln(stdout, lang.Pick("Only this computer can open it (loopback). To show it to others on the network: -web 0.0.0.0:8090",
				"이 컴퓨터에서만 열 수 있다(loopback). 네트워크의 다른 사람에게 보여 주려면: -web 0.0.0.0:8090"))
		} else {
			fmt.Fprintln(stdout, lang.Pick("Anyone who can reach this computer on the network can open it and see the streams.",
				"네트워크에서 이 컴퓨터에 닿는 누구나 페이지를 열어 스트림을 볼 수 있다."))
		}
		if err := ping(ctx, rdb); err != nil {
			fmt.Fprintf(stdout, lang.Pick("%v. The page says so until Redis answers.\n", "%v. Redis가 답할 때까지 페이지가 그렇게 알린다.\n"),
				&redisconn.UnreachableError{Target: target, Err: err})
		} else if err := redisconn.CheckVersion(ctx, rdb, target, redisconn.Redis62); err != nil {
			fmt.Fprintln(stdout, err)
		}
	})
}

// pageURL is the address to type into a browser: a server listening on every
// interface (0.0.0.0) is reached on this computer as localhost.
func pageURL(addr net.Addr) string {
	a := addr.(*net.TCPAddr)
	host := a.IP.String()
	if a.IP.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(a.Port)) + "/"
}

func ping(ctx context.Context, rdb redis.UniversalClient) error {
	ctx, cancel := context.WithTimeout(ctx, 4*time.Second)
	defer cancel()
	return rdb.Ping(ctx).Err()
}

// The page: HTML, CSS and one script, in the binary. Nothing is fetched from
// elsewhere, so it works in a classroom without internet.
//
//go:embed web
var webFiles embed.FS

// webState is what the page reads from /api/state every second.
type webState struct {
	Redis    string        `json:"redis"`  // where, never the password
	Server   string        `json:"server"` // "Redis 7.0.15", or the embedded one
	Embedded bool          `json:"embedded"`
	Lang     string        `json:"lang"`
	Time     time.Time     `json:"time"`
	Error    string        `json:"error,omitempty"` // Redis cannot be reached, for example
	Streams  []streamState `json:"streams"`
}

// webOrder is what the page reads from /api/order?id=ID.
type webOrder struct {
	trace
	Error string `json:"error,omitempty"`
}

// requestTimeout bounds the Redis commands of one request: a Redis that does
// not answer gives the page an error to show, not a request that hangs.
const requestTimeout = 5 * time.Second

// maxOrderID bounds the id of /api/order. The services' orderIds are far shorter.
const maxOrderID = 200

func webHandler(rdb redis.UniversalClient, target redisconn.Target, opts webOptions) http.Handler {
	mux := http.NewServeMux()
	static, err := fs.Sub(webFiles, "web")
	if err != nil {
		panic(err) // the folder is embedded above: it is there
	}
	mux.Handle("GET /", http.FileServerFS(static))

	mux.HandleFunc("GET /api/state", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
		defer cancel()
		state := webState{Redis: target.String(), Lang: pageLang(opts.lang, r.Header.Get("Accept-Language")), Time: time.Now()}
		srv, err := readServer(ctx, rdb)
		if err == nil {
			state.Server, state.Embedded = srv.String(), srv.embedded()
			state.Streams, err = readAll(ctx, rdb, srv)
		}
		if err != nil {
			state.Error = (&redisconn.UnreachableError{Target: target, Err: err}).Error()
		}
		httpserve.JSON(w, http.StatusOK, state)
	})

	mux.HandleFunc("GET /api/order", func(w http.ResponseWriter, r *http.Request) {
		id := strings.TrimSpace(r.URL.Query().Get("id"))
		if id == "" || len(id) > maxOrderID {
			httpserve.Error(w, http.StatusBadRequest, fmt.Sprintf("id: want an orderId or an entry ID, at most %d characters", maxOrderID))
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
		defer cancel()
		srv, err := readServer(ctx, rdb)
		var t trace
		if err == nil {
			t, err = traceOrder(ctx, rdb, srv, id, opts.maxScan)
		}
		if err != nil {
			httpserve.JSON(w, http.StatusOK, webOrder{trace: trace{OrderID: id},
				Error: (&redisconn.UnreachableError{Target: target, Err: err}).Error()})
			return
		}
		httpserve.JSON(w, http.StatusOK, webOrder{trace: t})
	})
	return withHeaders(mux)
}

// withHeaders sets what every answer needs: the page may load only its own
// files (a field that slipped through as HTML still could not run a
// script), and the numbers are never cached.
func withHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// pageLang is the page's language: -lang if given, else the browser's first
// choice ("ko-KR,ko;q=0.9,en;q=0.8" is Korean).
func pageLang(flag, acceptLanguage string) string {
	if flag != "" {
		return flag
	}
	first, _, _ := strings.Cut(acceptLanguage, ",")
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(first)), "ko") {
		return "ko"
	}
	return "en"
}
