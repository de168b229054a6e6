// Command redis runs an embedded Redis (miniredis) for the workshop, so that a
// learner with nothing but Go can follow every lesson.
//
//	go run ./scripts/redis            listen where REDIS_URL points (localhost:6379)
//	go run ./scripts/redis -addr :7000
//
// Data lives in memory only and is gone when it stops. When a Redis already
// answers at the address, it says so and exits 0: there is nothing to do.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	miniserver "github.com/alicebob/miniredis/v2/server"
	"github.com/fatih/color"
	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/lang"
	"github.com/streams-workshop/kit/redisconn"
	"github.com/streams-workshop/kit/testkit"
)

func main() { cli.Main("redis", run) }

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := cli.FlagsInTwoLanguages("redis", "go run ./scripts/redis [-addr host:port] [-lang ko]",
		"Runs an embedded Redis (miniredis) for the workshop. Data lives in memory only.\n"+
			"It speaks enough of Redis for every lesson; use redis-server to see the real thing.",
		"워크숍용 내장 Redis(miniredis)를 돌린다. 데이터는 메모리에만 있다.\n"+
			"모든 레슨에 필요한 만큼 Redis 말을 한다. 진짜는 redis-server로 보자.", stderr)
	addr := flags.String("addr", "", lang.Both("host:port to listen on (default: the host:port of REDIS_URL, else "+redisconn.DefaultAddr+")",
		"들을 host:port(기본값: REDIS_URL의 host:port, 없으면 "+redisconn.DefaultAddr+")"))
	readyFile := flags.String("ready-file", "", lang.Both("write the address to this file once listening (for tests)",
		"듣기 시작하면 이 파일에 주소를 쓴다(테스트용)"))
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	if *addr == "" {
		target, err := redisconn.FromEnv(getenv)
		if err != nil {
			return err
		}
		if target.Cluster() || target.TLS {
			return errors.New("REDIS_URL names a cluster or TLS: the embedded Redis serves neither; pass -addr host:port")
		}
		*addr = target.Addrs[0]
	}

	if answersPing(ctx, *addr) {
		fmt.Fprintf(stdout, lang.Pick("A Redis already answers at %s: use it, there is nothing to start.\n",
			"%s에서 이미 Redis가 답한다. 그것을 쓰면 되므로 띄울 것이 없다.\n"), *addr)
		return nil
	}

	server := miniredis.NewMiniRedis()
	if err := server.StartAddr(*addr); err != nil {
		return fmt.Errorf("cannot listen on %s: %w", *addr, err)
	}
	defer server.Close()
	testkit.AnswerMaxMemoryPolicy(server)
	// redis-cli 7 asks COMMAND DOCS for its hints at start, and aborts on
	// miniredis's reply (the old COMMAND list). Refusing the subcommand makes
	// it fall back to its built-in help, and interactive redis-cli works.
	server.Server().SetPreHook(func(peer *miniserver.Peer, cmd string, args ...string) bool {
		if strings.EqualFold(cmd, "COMMAND") && len(args) > 0 && strings.EqualFold(args[0], "DOCS") {
			peer.WriteError("ERR unknown subcommand 'DOCS'")
			return true
		}
		return false
	})

	color.New(color.FgGreen, color.Bold).Fprintf(stdout, lang.Pick("Embedded Redis listening on %s\n", "내장 Redis가 %s에서 듣고 있다\n"), server.Addr())
	fmt.Fprintln(stdout, lang.Pick("Data lives in memory only: it is gone when this stops. Press Ctrl-C to stop.",
		"데이터는 메모리에만 있어, 이것이 멈추면 사라진다. 멈추려면 Ctrl-C."))
	if *readyFile != "" {
		if err := os.WriteFile(*readyFile, []byte(server.Addr()+"\n"), 0o644); err != nil {
			return err
		}
	}
	<-ctx.Done()
	fmt.Fprintln(stdout, lang.Pick("Stopped.", "멈췄다."))
	return nil
}

// answersPing reports whether some Redis (real or embedded) already serves addr.
func answersPing(ctx context.Context, addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	conn.Close()
	client := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DisableIdentity: true})
	defer client.Close()
	pingCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	err = client.Ping(pingCtx).Err()
	// A server that wants a password is still a Redis.
	return err == nil || redisconn.IsAuthError(err)
}
