package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/redisconn"
	"github.com/streams-workshop/kit/testkit"
)

// consumerName is what the demo's consumers call themselves in their groups,
// so that they are easy to tell from yours (instance-1) in XINFO CONSUMERS.
const consumerName = "demo"

// broker is the Redis the services use.
type broker struct {
	url   string // REDIS_URL for the services
	close func()
}

// chooseRedis uses the Redis at REDIS_URL when it answers, and otherwise
// starts an embedded one in this process, on a free loopback port.
func chooseRedis(ctx context.Context, getenv func(string) string, out *output) (broker, error) {
	client, target, err := redisconn.Connect(ctx, getenv, redisconn.Redis70)
	if ctx.Err() != nil {
		return broker{}, interrupted(ctx, nil)
	}
	if err == nil {
		defer client.Close()
		out.say("Using the Redis at %s. Entries from earlier runs stay in its streams: the demo follows only its own orders.",
			"%s의 Redis를 쓴다. 이전 실행의 엔트리는 stream에 그대로 남고, 데모는 자기가 넣은 주문만 따라간다.", target)
		out.say("Watch it live in another terminal: go run ./scripts/inspect -web",
			"다른 터미널에서 실시간으로 지켜보자: go run ./scripts/inspect -web")
		warnIfShared(ctx, client, out)
		return broker{url: getenv("REDIS_URL"), close: func() {}}, nil
	}
	// Only "nothing answers" calls for the embedded Redis. A Redis that refuses
	// the password, or a REDIS_URL we cannot read, is the learner's to fix.
	var unreachable *redisconn.UnreachableError
	if !errors.As(err, &unreachable) || redisconn.IsAuthError(err) {
		return broker{}, err
	}
	server, err := startEmbedded(getenv("REDIS_URL") == "")
	if err != nil {
		return broker{}, fmt.Errorf("cannot start the embedded Redis: %w", err)
	}
	out.say("No Redis answers at %s (%v).", "%s에서 응답하는 Redis가 없다(%v).", target, unreachable.Err)
	out.say("Started an embedded Redis (miniredis) at %s inside the demo; its data is gone when the demo ends.",
		"데모 안에서 내장 Redis(miniredis)를 %s에 띄웠다. 데모가 끝나면 데이터도 사라진다.", server.Addr())
	out.say("Watch it live in another terminal: %s", "다른 터미널에서 실시간으로 지켜보자: %s", watchCommand(server.Addr()))
	return broker{url: server.Addr(), close: server.Close}, nil
}

// defaultAddr is where every program looks when REDIS_URL is unset.
const defaultAddr = "127.0.0.1:6379"

// startEmbedded starts miniredis. With REDIS_URL unset it takes the default
// address when it is free, so that inspect, redis-cli and the services you
// start by hand find it with no setting at all; otherwise a free port.
func startEmbedded(tryDefault bool) (*miniredis.Miniredis, error) {
	server := miniredis.NewMiniRedis()
	if !tryDefault || server.StartAddr(defaultAddr) != nil {
		server = miniredis.NewMiniRedis()
		if err := server.StartAddr("127.0.0.1:0"); err != nil {
			return nil, err
		}
	}
	testkit.AnswerMaxMemoryPolicy(server)
	return server, nil
}

// watchCommand is the live view's command line for the Redis at addr.
func watchCommand(addr string) string {
	if addr == defaultAddr {
		return "go run ./scripts/inspect -web"
	}
	return "REDIS_URL=redis://" + addr + " go run ./scripts/inspect -web"
}

// activeWithin: a consumer that read this recently is running. A running one
// blocks on XREADGROUP for at most a few seconds at a time.
var activeWithin = 5 * time.Second

// warnIfShared warns when services of yours are running on this Redis: they
// are in the same consumer groups, so they take some of the demo's orders,
// which the demo then follows in Redis (observe.go).
func warnIfShared(ctx context.Context, client redis.UniversalClient, out *output) {
	groups := []struct{ stream, group string }{
		{events.OrderStream, events.PaymentGroup},
		{events.OrderStream, events.NotificationGroup},
		{events.PaymentStream, events.NotificationGroup},
	}
	readers := readersWaiting(ctx, client)
	for _, g := range groups {
		// A missing stream or group is fine: nobody is reading it.
		consumers, _ := client.XInfoConsumers(ctx, g.stream, g.group).Result()
		for _, c := range consumers {
			switch {
			case c.Name == consumerName:
			case c.Idle >= 0 && c.Idle < activeWithin:
				out.warn("%s on %s has an active consumer, %s (seen %s ago): a service of yours is running and will take some of the demo's orders; the demo follows those in Redis.",
					"%[2]s의 %[1]s에 활동 중인 consumer가 있다: %[3]s(%[4]s 전에 확인). 직접 띄운 서비스가 돌고 있어 데모의 주문 일부를 가져갈 것이다. 데모는 그 주문들을 Redis에서 따라간다.",
					g.group, g.stream, c.Name, c.Idle.Round(100*time.Millisecond))
			case readers > 0:
				out.warn("%s on %s has a consumer, %s, and %d connections to this Redis are reading with XREADGROUP: a service of yours is probably running and will take some of the demo's orders; the demo follows those in Redis.",
					"%[2]s의 %[1]s에 consumer %[3]s가 있고, 이 Redis에 XREADGROUP으로 읽는 연결이 %[4]d개 있다. 직접 띄운 서비스가 돌고 있다면 데모의 주문 일부를 가져갈 것이다. 데모는 그 주문들을 Redis에서 따라간다.",
					g.group, g.stream, c.Name, readers)
			}
		}
	}
}

// readersWaiting counts the connections whose last command is XREADGROUP,
// as a running consumer's reader is. Before Redis 7.2 a read that times out
// does not refresh its consumer's idle time, so idle alone misses a quiet
// service. The embedded broker has no CLIENT LIST: 0.
func readersWaiting(ctx context.Context, client redis.UniversalClient) int {
	list, err := client.ClientList(ctx).Result()
	if err != nil {
		return 0
	}
	return strings.Count(list, " cmd=xreadgroup ")
}
