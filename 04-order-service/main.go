// Stage 04: the order service. It takes orders over HTTP and publishes each
// one to the stream order-events, where the payment and notification services
// read it.
//
// It rebuilds the tutorial's OrderController: GET /order?userId=&productId=&price=
// answers "ok" as the Spring service does. Beside it, POST /orders takes JSON
// and answers with the new order's ID. What the original lacks, we add: every
// order is checked before it is published, gets an orderId, and the stream is
// trimmed (MAXLEN ~) so it cannot grow without bound. When Redis fails, the
// answer is honest and fast: 503 when the order is certainly not in the stream,
// 504 when it may be; and an Idempotency-Key makes a retry safe.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/httpserve"
	"github.com/streams-workshop/kit/metrics"
	"github.com/streams-workshop/kit/redisconn"
)

const (
	// defaultPort is the Spring OrderService's port.
	defaultPort = "8080"
	// defaultMaxLen bounds order-events: a million orders took 75.6 MB of
	// Redis memory in the bench (docs/performance.md). Raise it if a consumer
	// may stay down for longer than a million orders.
	defaultMaxLen = 1_000_000
	// minIdempotencyTTL is the least IDEMPOTENCY_KEY_TTL: a key must outlive
	// a client's quick retry.
	minIdempotencyTTL = time.Second
)

// help is what -h prints, in English and in Korean (-lang ko or a Korean
// LANG), each value worked out once for both.
func help() (english, korean string) {
	stream, redis, maxLen := events.OrderStream, redisconn.DefaultAddr, strconv.Itoa(defaultMaxLen)
	keyLen := strconv.Itoa(maxIdempotencyKeyLen)
	ttl, minTTL := cli.FormatDuration(defaultIdempotencyTTL), cli.FormatDuration(minIdempotencyTTL)
	english = `Stage 04: the order service. It publishes every order to the stream ` + stream + `.
This help is in Korean with -lang ko or a Korean LANG; the logs are in English.

Endpoints:
  GET  /order?userId=&productId=&price=  the tutorial's form: answers "ok"
  POST /orders  {"userId","productId","price"}  answers 201 {"orderId","entryId"}
  GET  /stats    orders accepted, replayed, rejected, failed and unknown, and the stream's length
  GET  /metrics  the same and more, for Prometheus
  GET  /livez    200 while the process works (it does not look at Redis)
  GET  /readyz   200 when Redis answers, 503 when not or once stopping; /healthz is the same

A price is a decimal number greater than 0 with at most two decimals, such as
5000 or 12.50. In JSON it may be a string ("12.50") or a number (12.50).

POST /orders answers 201: the order is in the stream; 503 (with Retry-After):
it certainly is not; 504 {"outcome":"unknown"}: it was sent and Redis did not
answer in time. With an Idempotency-Key header (1 to ` + keyLen + ` printable characters),
a retry gets the first answer's orderId and entryId and adds nothing (409 if
its order differs), for IDEMPOTENCY_KEY_TTL after the first.

Environment:
  REDIS_URL            the Redis server (default ` + redis + `)
  REDIS_ALLOW_EVICTION  1: start even when Redis may evict keys (maxmemory-policy),
                       with a warning; the Idempotency-Key records could go
  HOST                 the address to listen on (default: all interfaces)
  PORT                 the HTTP port (default ` + defaultPort + `)
  SHUTDOWN_DELAY       on SIGTERM, answer 503 on /readyz and go on serving this long
                       before stopping, a Go duration (default 0; 5s in Kubernetes)
  ORDER_STREAM_MAXLEN  keep about this many entries in ` + stream + ` (default ` + maxLen + `);
                       a consumer that is down longer than that many orders loses the oldest
  IDEMPOTENCY_KEY_TTL  how long Redis keeps an Idempotency-Key, a Go duration such as
                       1h (default ` + ttl + `, at least ` + minTTL + `)
  READY_FILE           once listening, write "<pid> <address>" to this file
` + cli.LogHelp
	korean = `단계 04: 주문 서비스. 모든 주문을 stream ` + stream + `에 발행한다.
이 도움말은 -lang en이면 영어로 나온다. 로그는 늘 영어다.

엔드포인트:
  GET  /order?userId=&productId=&price=  원문의 형식. "ok"를 답한다
  POST /orders  {"userId","productId","price"}  201 {"orderId","entryId"}를 답한다
  GET  /stats    받아들인, 재생한, 거절한, 실패한, 알 수 없는 주문 수와 stream의 길이
  GET  /metrics  같은 것과 그 이상, Prometheus용
  GET  /livez    프로세스가 일하는 동안 200(Redis는 보지 않는다)
  GET  /readyz   Redis가 답하면 200, 아니거나 멈추는 중이면 503. /healthz도 같다

가격은 0보다 큰 십진수이고, 소수점 아래는 두 자리까지다. 예를 들어 5000이나
12.50이다. JSON에서는 문자열("12.50")이어도 숫자(12.50)여도 된다.

POST /orders는 이렇게 답한다. 201: 주문이 stream에 있다. 503(Retry-After와 함께):
확실히 없다. 504 {"outcome":"unknown"}: 보냈지만 Redis가 제때 답하지 않았다.
Idempotency-Key 헤더(출력 가능한 문자 1~` + keyLen + `개)를 붙이면, 재시도는 첫 요청 뒤
IDEMPOTENCY_KEY_TTL 동안 첫 답의 orderId와 entryId를 받고 아무것도 추가하지
않는다(주문이 다르면 409).

환경 변수:
  REDIS_URL            Redis 서버(기본값 ` + redis + `)
  REDIS_ALLOW_EVICTION  1: Redis가 키를 내보낼 수 있어도(maxmemory-policy) 경고를
                       남기고 시작한다. Idempotency-Key 기록이 사라질 수 있다
  HOST                 들을 주소(기본값: 모든 인터페이스)
  PORT                 HTTP 포트(기본값 ` + defaultPort + `)
  SHUTDOWN_DELAY       SIGTERM을 받으면 /readyz에 503을 답하며 이만큼 더 서비스하고
                       멈춘다. Go duration(기본값 0. Kubernetes에서는 5s)
  ORDER_STREAM_MAXLEN  ` + stream + `에 대략 이만큼의 엔트리를 남긴다(기본값 ` + maxLen + `).
                       그만큼의 주문보다 오래 멈춘 consumer는 가장 오래된 주문을 잃는다
  IDEMPOTENCY_KEY_TTL  Redis가 Idempotency-Key를 간직하는 기간, 1h 같은 Go duration
                       (기본값 ` + ttl + `, 적어도 ` + minTTL + `)
  READY_FILE           포트를 열면 이 파일에 "<pid> <address>"를 쓴다
` + cli.LogHelpKO
	return english, korean
}

func main() { cli.Main("order-service", run) }

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	english, korean := help()
	flags := cli.FlagsInTwoLanguages("order-service", "go run ./04-order-service [-lang ko]", english, korean, stderr)
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		flags.Usage()
		return cli.ErrUsage
	}
	log, err := cli.Logger(stderr, "order-service", getenv)
	if err != nil {
		return err
	}
	cfg, err := readConfig(getenv)
	if err != nil {
		return err
	}
	readyFile := getenv("READY_FILE")
	if readyFile != "" {
		// A file left by an earlier run would tell a waiting test we are ready too soon.
		if err := os.Remove(readyFile); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("READY_FILE: %w", err)
		}
	}

	// Unreachable Redis: Connect's one-line error, printed by cli.Main, exit 1.
	client, target, err := redisconn.Connect(ctx, getenv, redisconn.Redis62)
	if err != nil {
		return err
	}
	defer client.Close()
	policy, err := redisconn.CheckEviction(ctx, client, getenv, log, "its Idempotency-Key records: a retried order could be placed twice")
	if err != nil {
		return err
	}

	// The publisher outlives the HTTP server, which finishes its requests first.
	publishing, stopPublishing := context.WithCancel(context.WithoutCancel(ctx))
	defer stopPublishing()
	svc := newService(publishing, client, cfg, stdout, log)
	metrics.RegisterMaxMemoryPolicy(svc.registry, policy)
	srv := httpserve.New(net.JoinHostPort(cfg.host, cfg.port), routes(svc))

	writeReady := httpserve.ReadyFile(readyFile, log) // nil without READY_FILE
	ready := func(addr net.Addr) {
		log.Info("order-service listening", "addr", addr.String(), "redis", target.String(),
			"stream", events.OrderStream, "maxlen", cfg.maxLen)
		if writeReady != nil {
			writeReady(addr)
		}
	}
	// After SIGTERM, /readyz answers 503 at once, and the server stops
	// SHUTDOWN_DELAY later, so that Kubernetes stops sending orders first.
	context.AfterFunc(ctx, func() {
		log.Info("stopping: /readyz answers 503 from now on", "shutdownDelay", cfg.shutdownDelay)
	})
	serving, stopServing := svc.probes.Drain(ctx, cfg.shutdownDelay)
	defer stopServing()
	// Serve returns once serving ends, and requests in flight are done.
	if err := httpserve.Serve(serving, srv, log, ready); err != nil {
		return err
	}
	log.Info("order-service stopped", "accepted", svc.accepted.Load(), "replayed", svc.replayed.Load(),
		"rejected", svc.rejected.Load()+svc.keyReused.Load(), "failed", svc.failed.Load(), "unknown", svc.unknown.Load())
	return nil
}

// routes is the whole HTTP surface of the service, in one place. The method in
// each pattern makes ServeMux answer 405 to any other method.
func routes(s *service) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /order", s.handleOrderQuery)
	// A GET pattern also takes HEAD, which must not place an order.
	mux.HandleFunc("HEAD /order", methodNotAllowed("GET"))
	mux.HandleFunc("POST /orders", s.handleOrderJSON)
	s.probes.Handle(mux) // GET /livez, /readyz and /healthz
	mux.Handle("GET /metrics", metrics.Handler(s.registry))
	mux.HandleFunc("GET /stats", s.handleStats)
	return metrics.InstrumentHTTP(s.registry, mux)
}

// methodNotAllowed answers 405, as ServeMux does for a method no pattern has.
func methodNotAllowed(allow string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
	}
}

// config is the service's configuration, from the environment.
type config struct {
	host           string
	port           string
	shutdownDelay  time.Duration
	maxLen         int64
	idempotencyTTL time.Duration
}

// readConfig reads HOST, PORT, SHUTDOWN_DELAY, ORDER_STREAM_MAXLEN and
// IDEMPOTENCY_KEY_TTL.
func readConfig(getenv func(string) string) (cfg config, err error) {
	cfg.host = getenv("HOST")
	if cfg.port, err = cli.Port(getenv, "PORT", defaultPort); err != nil {
		return config{}, err
	}
	if cfg.shutdownDelay, err = cli.Duration(getenv, "SHUTDOWN_DELAY", 0, 0, 0); err != nil {
		return config{}, err
	}
	if cfg.maxLen, err = cli.PositiveInt(getenv, "ORDER_STREAM_MAXLEN", defaultMaxLen); err != nil {
		return config{}, err
	}
	if cfg.idempotencyTTL, err = cli.Duration(getenv, "IDEMPOTENCY_KEY_TTL", defaultIdempotencyTTL, minIdempotencyTTL, 0); err != nil {
		return config{}, err
	}
	return cfg, nil
}
