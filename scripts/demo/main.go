// Command demo runs the whole system in one command: a Redis, the three
// services as separate processes, and a stream of orders through the order
// service's HTTP API. It waits until every order is paid and both of its
// notifications are sent, stops the services as Ctrl-C would, and ends with
// one line:
//
//	summary: orders=10 payments=10 notifications=20 p50=4ms p99=11ms
//
// It uses the Redis at REDIS_URL when one answers, else an embedded one
// (miniredis) inside this process. Run it from the workshop's folder:
//
//	go run ./scripts/demo [-orders N] [-rate R] [-timeout D]
package main

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/lang"
	"github.com/streams-workshop/kit/redisconn"
	"github.com/streams-workshop/scripts/services"
)

const help = `Runs the whole system: a Redis, the three services as separate processes,
and N orders placed through POST /orders. It follows each order by its orderId
in the services' output until it is paid, mailed and texted, then prints:

  summary: orders=N payments=N notifications=2N p50=Xms p99=Yms

p50 and p99 are the time from an order's 201 to its last notification.
It exits 1 and names the orders that lack a payment, a mail or an SMS.

Redis: REDIS_URL (default localhost:6379) when it answers, else an embedded
Redis (miniredis) inside the demo. On your own Redis, entries from earlier
runs stay where they are: the demo follows only the orders it places.`

const helpKO = `시스템 전체를 돌린다: Redis 하나, 따로 뜬 프로세스인 서비스 세 개, 그리고
POST /orders로 넣는 주문 N건. 주문마다 orderId로 서비스의 출력을 따라가 결제되고
메일과 문자가 나갈 때까지 지켜본 뒤 이렇게 출력한다:

  summary: orders=N payments=N notifications=2N p50=Xms p99=Yms

p50과 p99는 주문의 201부터 마지막 알림까지의 시간이다.
결제, 메일, 문자 중 하나라도 빠진 주문이 있으면 그 주문을 밝히고 1로 끝난다.

Redis: REDIS_URL(기본값 localhost:6379)이 답하면 그것을, 아니면 데모 안의 내장
Redis(miniredis)를 쓴다. 여러분의 Redis에서는 이전 실행의 엔트리가 그대로 남고,
데모는 자기가 넣은 주문만 따라간다.`

func main() { cli.Main("demo", run) }

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := cli.FlagsInTwoLanguages("demo", "go run ./scripts/demo [-orders N] [-rate R] [-timeout D] [-lang ko]", help, helpKO, stderr)
	orders := flags.Int("orders", 10, lang.Both("how many orders to place", "넣을 주문 수"))
	rate := flags.Float64("rate", 20, lang.Both("orders per second (0: as fast as the service takes them)", "초당 주문 수(0: 서비스가 받는 만큼 빨리)"))
	timeout := flags.Duration("timeout", 30*time.Second, lang.Both("how long to wait, after the last order, for every payment and notification",
		"마지막 주문 뒤, 모든 결제와 알림을 기다리는 시간"))
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	if flags.NArg() > 0 || *orders < 1 || *rate < 0 || *timeout <= 0 {
		flags.Usage()
		return cli.ErrUsage
	}
	// `go run ./scripts/demo | head` closes our stdout early. Without this, the
	// next write would kill the demo on the spot, before it stops the services
	// and removes what it made; with it, that write fails and we stop.
	ctx, stopOnPipe := signal.NotifyContext(ctx, syscall.SIGPIPE)
	defer stopOnPipe()
	out := newOutput(stdout, stderr)

	broker, err := chooseRedis(ctx, getenv, out)
	if err != nil {
		return err
	}
	defer broker.close()

	root, err := workspaceRoot(ctx)
	if err != nil {
		return err
	}
	binDir, removeBinDir, err := buildDir(root)
	if err != nil {
		return err
	}
	defer removeBinDir()
	out.say("Building the services with go build (the first time takes a while)...",
		"go build로 서비스를 빌드한다(처음에는 시간이 좀 걸린다)...")
	if err := services.Build(ctx, root, binDir); err != nil {
		return interrupted(ctx, err)
	}

	track := newTracker(*orders)
	sys, err := startSystem(ctx, binDir, broker.url, out, track)
	// Stop whatever was started, on every way out: Ctrl-C included.
	defer sys.stop()
	if err != nil {
		return interrupted(ctx, err)
	}

	// Connect: one node of a Redis Cluster in REDIS_URL gives the cluster's client.
	rdb, _, err := redisconn.Connect(sys.ctx, func(k string) string {
		if k == "REDIS_URL" {
			return broker.url
		}
		return getenv(k)
	})
	if err != nil {
		return interrupted(ctx, err)
	}
	defer rdb.Close()
	after := lastID(sys.ctx, rdb, events.PaymentStream)
	observing, stopObserving := context.WithCancel(sys.ctx)
	defer stopObserving()
	go track.observe(observing, rdb, after)

	out.say("Placing %d orders at %s through POST %s/orders...",
		"POST %[3]s/orders로 주문 %[1]d건을 %[2]s 넣는다...", *orders, rateText(*rate), sys.orderURL)
	progress := out.startProgress(track, *orders)
	placeOrders(sys.ctx, sys.orderURL, *orders, *rate, track)
	waitErr := track.wait(sys.ctx, *timeout)
	stopObserving()
	progress.stop()

	out.say("Stopping the services (SIGINT, as Ctrl-C would)...",
		"서비스를 멈춘다(Ctrl-C처럼 SIGINT로)...")
	stopErr := sys.stop()

	report := track.report()
	for _, line := range report.problems {
		out.warn("%s", "%s", line)
	}
	if report.elsewhere > 0 {
		out.say("%d of the orders were handled by services already running on this Redis (Step 4?): the demo found their work in Redis.",
			"주문 %d건은 이 Redis에서 이미 돌고 있는 서비스(4단계?)가 처리했다. 데모는 그 일을 Redis에서 찾았다.", report.elsewhere)
	}
	fmt.Fprintln(stdout, report.summary)
	switch {
	case ctx.Err() != nil:
		return interrupted(ctx, nil)
	case sys.failure() != nil:
		return sys.failure()
	case waitErr != nil:
		return waitErr
	case len(report.problems) > 0:
		return errors.New("the run is incomplete: see the lines above")
	}
	return stopErr
}

// interrupted says so when err comes from Ctrl-C rather than a failure.
func interrupted(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return errors.New("interrupted: everything it started is stopped")
	}
	return err
}

func rateText(rate float64) string {
	if rate == 0 {
		return lang.Pick("full speed", "최대 속도로")
	}
	return fmt.Sprintf(lang.Pick("%g per second", "초당 %g건씩"), rate)
}

// workspaceRoot is the folder of go.work, where the services are built from.
// `go env GOWORK` finds it from any folder inside the workshop.
func workspaceRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOWORK").Output()
	if err != nil {
		return "", interrupted(ctx, fmt.Errorf("go env GOWORK: %v", err))
	}
	gowork := strings.TrimSpace(string(out))
	if gowork == "" || gowork == "off" {
		return "", errors.New("no go.work here: run the demo from the workshop's folder, as go run ./scripts/demo")
	}
	return filepath.Dir(gowork), nil
}

// buildDir is where the demo builds the services: a folder of the user's
// cache, one per clone, where go build skips linking a service that has not
// changed (seconds from the second run on, instead of tens); else a temporary
// folder, removed at the end.
func buildDir(root string) (dir string, remove func(), err error) {
	if cache, err := os.UserCacheDir(); err == nil {
		clone := fnv.New32a()
		clone.Write([]byte(root))
		dir := filepath.Join(cache, "streams-workshop", fmt.Sprintf("demo-%08x", clone.Sum32()))
		if os.MkdirAll(dir, 0o755) == nil {
			return dir, func() {}, nil
		}
	}
	dir, err = os.MkdirTemp("", "streams-demo-")
	return dir, func() { os.RemoveAll(dir) }, err
}
