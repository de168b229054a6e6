package testkit

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/streams-workshop/kit/rediscli"
)

// waitLimit bounds every wait command, so that a broken test fails instead of hanging.
const waitLimit = 30 * time.Second

// pollEvery is how often the wait commands look again.
const pollEvery = 25 * time.Millisecond

// Cmds returns the commands the kit adds to every script:
//
//	redis [-addr H:P|URL] CMD [ARG...]  send a command to the test's Redis (or the one at H:P, or
//	                               at a redis:// URL with its own password), print the reply as redis-cli does
//	xdump STREAM                   print every entry as `ID field=value ...`, in stored field order
//	xlen STREAM N                  assert the stream's length
//	pending STREAM GROUP N         assert the group's pending count
//	waitlen STREAM N               wait until the stream holds N entries
//	waitpending STREAM GROUP N     wait until the group's pending count is N
//	waitfile FILE                  wait until FILE exists
//	waithttp URL [STATUS]          wait until GET URL answers STATUS (200)
//	http [-type T] [-header K:V]... METHOD URL [BODY]  send a request, print `status N` and the body
//	server stop|start|restart      stop the test's Redis, start it again (empty), or both
//	server start|restart FLAG...   start it anew with Options: -password P, -users, -tls,
//	                               -cluster; $REDIS_URL, $REDIS_CA_FILE and, with -users,
//	                               $REDIS_URL_<USER> then point at it
//	signal SIG PIDFILE             send SIG (TERM, INT, KILL, STOP, CONT) to the pid in PIDFILE
//	                               ($REDIS_PIDFILE is a real redis-server's: STOP freezes it)
//	metrics URL [PREFIX]           scrape URL (Prometheus text format), print each sample as
//	                               `name{label="value",...} value`, sorted; only PREFIX* if given
//	waitmetric URL SERIES VALUE    wait until the sample SERIES, as metrics prints it, is VALUE
//	waitconsumers STREAM GROUP N   wait until the group has N consumers
//	jsonlines stderr|stdout        assert that each line of the last output is a JSON object
func Cmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"redis":         cmdRedis,
		"xdump":         cmdXdump,
		"xlen":          cmdXlen,
		"pending":       cmdPending,
		"waitlen":       cmdWaitlen,
		"waitpending":   cmdWaitpending,
		"waitfile":      cmdWaitfile,
		"waithttp":      cmdWaithttp,
		"http":          cmdHTTP,
		"server":        cmdServer,
		"signal":        cmdSignal,
		"metrics":       cmdMetrics,
		"waitmetric":    cmdWaitmetric,
		"waitconsumers": cmdWaitconsumers,
		"jsonlines":     cmdJSONLines,
	}
}

func server(ts *testscript.TestScript) *Server {
	srv, ok := ts.Value(serverKey{}).(*Server)
	if !ok {
		ts.Fatalf("no test Redis: run the script through testkit.Run")
	}
	return srv
}

// withClient runs f with a short-lived client for the test's Redis.
func withClient(ts *testscript.TestScript, f func(ctx context.Context, c redis.UniversalClient)) {
	withClientAt(ts, "", f)
}

// withClientAt runs f with a short-lived client for the Redis at addr (host:port
// or a redis:// URL), or for the test's Redis when addr is empty.
func withClientAt(ts *testscript.TestScript, addr string, f func(ctx context.Context, c redis.UniversalClient)) {
	var c redis.UniversalClient
	switch {
	case addr == "":
		c = server(ts).UniversalClient()
	case strings.Contains(addr, "://"):
		opts, err := redis.ParseURL(addr)
		ts.Check(err)
		opts.DisableIdentity = true
		c = redis.NewClient(opts)
	default:
		c = redis.NewClient(&redis.Options{Addr: addr, DisableIdentity: true})
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	f(ctx, c)
}

func cmdRedis(ts *testscript.TestScript, neg bool, args []string) {
	var addr string // a server the script started itself, or the test's with another password
	if len(args) >= 2 && args[0] == "-addr" {
		addr, args = args[1], args[2:]
	}
	if len(args) == 0 {
		ts.Fatalf("usage: redis [-addr HOST:PORT|URL] CMD [ARG...]")
	}
	withClientAt(ts, addr, func(ctx context.Context, c redis.UniversalClient) {
		cmdArgs := make([]any, len(args))
		for i, a := range args {
			cmdArgs[i] = a
		}
		cmd := c.Do(ctx, cmdArgs...)
		err := cmd.Err()
		if err != nil && err != redis.Nil {
			fmt.Fprintf(ts.Stdout(), "(error) %v\n", err)
			if !neg {
				ts.Fatalf("redis %s: %v", strings.Join(args, " "), err)
			}
			return
		}
		if neg {
			ts.Fatalf("redis %s: unexpected success", strings.Join(args, " "))
		}
		if err == redis.Nil {
			fmt.Fprint(ts.Stdout(), "(nil)\n")
			return
		}
		fmt.Fprint(ts.Stdout(), rediscli.Format(cmd.Val()))
	})
}

func cmdXdump(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg {
		ts.Fatalf("usage: xdump STREAM")
	}
	withClient(ts, func(ctx context.Context, c redis.UniversalClient) {
		// A raw XRANGE keeps the fields in the order they were written.
		reply, err := c.Do(ctx, "XRANGE", args[0], "-", "+").Slice()
		ts.Check(err)
		for _, e := range reply {
			entry := e.([]any)
			var b strings.Builder
			b.WriteString(entry[0].(string))
			fields, _ := entry[1].([]any)
			for i := 0; i+1 < len(fields); i += 2 {
				fmt.Fprintf(&b, " %v=%v", fields[i], fields[i+1])
			}
			fmt.Fprintln(ts.Stdout(), b.String())
		}
	})
}

func atoi(ts *testscript.TestScript, s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		ts.Fatalf("%q is not a number", s)
	}
	return n
}

func streamLen(ctx context.Context, c redis.UniversalClient, stream string) (int64, error) {
	return c.XLen(ctx, stream).Result()
}

func pendingCount(ctx context.Context, c redis.UniversalClient, stream, group string) (int64, error) {
	p, err := c.XPending(ctx, stream, group).Result()
	if err != nil {
		return 0, err
	}
	return p.Count, nil
}

func cmdXlen(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: xlen STREAM N")
	}
	want := atoi(ts, args[1])
	withClient(ts, func(ctx context.Context, c redis.UniversalClient) {
		n, err := streamLen(ctx, c, args[0])
		ts.Check(err)
		if (n == want) == neg {
			ts.Fatalf("XLEN %s = %d, want %s%d", args[0], n, notIf(neg), want)
		}
	})
}

func cmdPending(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: pending STREAM GROUP N")
	}
	want := atoi(ts, args[2])
	withClient(ts, func(ctx context.Context, c redis.UniversalClient) {
		n, err := pendingCount(ctx, c, args[0], args[1])
		ts.Check(err)
		if (n == want) == neg {
			ts.Fatalf("XPENDING %s %s = %d, want %s%d", args[0], args[1], n, notIf(neg), want)
		}
	})
}

func notIf(neg bool) string {
	if neg {
		return "not "
	}
	return ""
}

// waitFor polls check until it reports done, or fails the script after waitLimit
// with the last state check described.
func waitFor(ts *testscript.TestScript, what string, check func() (done bool, state string)) {
	deadline := time.Now().Add(waitLimit)
	for {
		done, state := check()
		if done {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("gave up after %s waiting for %s (last: %s)", waitLimit, what, state)
		}
		time.Sleep(pollEvery)
	}
}

func cmdWaitlen(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 || neg {
		ts.Fatalf("usage: waitlen STREAM N")
	}
	want := atoi(ts, args[1])
	withClient(ts, func(ctx context.Context, c redis.UniversalClient) {
		waitFor(ts, fmt.Sprintf("XLEN %s = %d", args[0], want), func() (bool, string) {
			n, err := streamLen(ctx, c, args[0])
			return err == nil && n == want, fmt.Sprintf("%d, %v", n, err)
		})
	})
}

func cmdWaitpending(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 || neg {
		ts.Fatalf("usage: waitpending STREAM GROUP N")
	}
	want := atoi(ts, args[2])
	withClient(ts, func(ctx context.Context, c redis.UniversalClient) {
		waitFor(ts, fmt.Sprintf("XPENDING %s %s = %d", args[0], args[1], want), func() (bool, string) {
			n, err := pendingCount(ctx, c, args[0], args[1])
			return err == nil && n == want, fmt.Sprintf("%d, %v", n, err)
		})
	})
}

func cmdWaitfile(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg {
		ts.Fatalf("usage: waitfile FILE")
	}
	path := ts.MkAbs(args[0])
	waitFor(ts, path, func() (bool, string) {
		_, err := os.Stat(path)
		return err == nil, fmt.Sprint(err)
	})
}

var httpClient = &http.Client{Timeout: 5 * time.Second}

func cmdWaithttp(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 || len(args) > 2 || neg {
		ts.Fatalf("usage: waithttp URL [STATUS]")
	}
	want := http.StatusOK
	if len(args) == 2 {
		want = int(atoi(ts, args[1]))
	}
	waitFor(ts, fmt.Sprintf("GET %s = %d", args[0], want), func() (bool, string) {
		resp, err := httpClient.Get(args[0])
		if err != nil {
			return false, err.Error()
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode == want, resp.Status
	})
}

func cmdHTTP(ts *testscript.TestScript, neg bool, args []string) {
	contentType := "application/json"
	header := http.Header{}
	for len(args) >= 2 && (args[0] == "-type" || args[0] == "-header") {
		if args[0] == "-type" {
			contentType = args[1]
		} else if k, v, ok := strings.Cut(args[1], ":"); ok {
			header.Add(k, v)
		} else {
			ts.Fatalf("http -header %q: want NAME:VALUE", args[1])
		}
		args = args[2:]
	}
	if len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: http [-type T] [-header K:V]... METHOD URL [BODY]")
	}
	var body io.Reader
	if len(args) == 3 {
		body = strings.NewReader(args[2])
	}
	req, err := http.NewRequest(args[0], args[1], body)
	ts.Check(err)
	req.Header = header
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		if !neg {
			ts.Fatalf("%s %s: %v", args[0], args[1], err)
		}
		return
	}
	defer resp.Body.Close()
	respBody, _ := io.ReadAll(resp.Body)
	fmt.Fprintf(ts.Stdout(), "status %d\n%s", resp.StatusCode, respBody)
	if len(respBody) > 0 && !bytes.HasSuffix(respBody, []byte("\n")) {
		fmt.Fprintln(ts.Stdout())
	}
	if failed := resp.StatusCode >= 400; failed != neg {
		ts.Fatalf("%s %s: status %d", args[0], args[1], resp.StatusCode)
	}
}

func cmdServer(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 || neg {
		ts.Fatalf("usage: server stop|start|restart")
	}
	srv := server(ts)
	if len(args) > 1 && (args[0] == "start" || args[0] == "restart") {
		opts, err := parseOptions(args[1:])
		ts.Check(err)
		ts.Check(srv.Reconfigure(opts))
		for k, v := range srv.Env() {
			ts.Setenv(k, v)
		}
		return
	}
	switch args[0] {
	case "stop":
		srv.Stop()
	case "start":
		ts.Check(srv.StartAgain())
	case "restart":
		srv.Stop()
		ts.Check(srv.StartAgain())
	default:
		ts.Fatalf("usage: server stop|start|restart")
	}
}

func cmdSignal(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 || neg {
		ts.Fatalf("usage: signal TERM|INT|KILL|STOP|CONT PIDFILE")
	}
	signals := map[string]syscall.Signal{
		"TERM": syscall.SIGTERM, "INT": syscall.SIGINT, "KILL": syscall.SIGKILL,
		// STOP freezes a process without killing it, as a long GC pause or a stuck
		// call would; CONT wakes it.
		"STOP": syscall.SIGSTOP, "CONT": syscall.SIGCONT,
	}
	sig, ok := signals[args[0]]
	if !ok {
		ts.Fatalf("unknown signal %q", args[0])
	}
	data, err := os.ReadFile(ts.MkAbs(args[1]))
	ts.Check(err)
	pid, err := strconv.Atoi(strings.TrimSpace(strings.Fields(string(data) + " 0")[0]))
	if err != nil || pid <= 0 {
		ts.Fatalf("%s holds no pid", args[1])
	}
	ts.Check(syscall.Kill(pid, sig))
}
