// Lesson 03: share a stream among consumers with a consumer group.
//
// With XREAD every reader sees every entry. A consumer group hands each entry
// to one consumer of the group, keeps a list of the entries delivered but not
// yet acknowledged (the pending entries list), and lets another consumer take
// over the entries of a consumer that died.
//
// One program plays both consumers here, by name. In a real system each
// consumer is its own process: an instance of a service. Each explanation is
// written in English and in Korean; -lang ko or a Korean LANG picks Korean.
// On a terminal the lesson waits for Enter before each step (kit/pace); -auto
// runs it straight through.
package main

import (
	"context"
	"io"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/pace"
	"github.com/streams-workshop/kit/rediscli"
	"github.com/streams-workshop/kit/redisconn"
)

// stream and group are the names the tutorial uses.
const (
	stream = "user-notifications"
	group  = "group1"
)

// noBlock leaves BLOCK out. go-redis sends BLOCK whenever Block >= 0, and the
// zero value means BLOCK 0: wait forever.
const noBlock = -1

// minIdle is how long an entry must wait unacknowledged before another
// consumer may claim it. Services use tens of seconds; one second keeps the
// lesson short.
const minIdle = time.Second

func main() { cli.Main("03-consumer-groups", run) }

// lesson tells the story, one command per step. It does not check each
// command's result: the echo hook prints every reply, errors included, as
// redis-cli would, and the story goes on as it would in redis-cli. Real code
// checks err after each call. step prints each step's heading, after a pause
// on a terminal.
func lesson(ctx context.Context, client redis.UniversalClient, step pace.Step, stdout io.Writer) error {
	step("Start from an empty stream", "빈 stream에서 시작한다")
	client.Del(ctx, stream)
	rediscli.Say(stdout,
		"This lesson owns %s: deleting the key deletes its groups too, so each run starts the same way.",
		"이 레슨은 %s를 혼자 쓴다. 키를 지우면 그 그룹도 함께 지워지므로, 실행할 때마다 같은 상태에서 시작한다.", stream)

	// Creating the group.

	step("XREADGROUP before the group exists: NOGROUP", "그룹이 없을 때 XREADGROUP: NOGROUP")
	readOne(ctx, client, "consumer-1", noBlock)
	rediscli.Say(stdout,
		"The tutorial's Spring services never create their groups: their first read fails like this, and Spring's",
		"원문의 Spring 서비스는 그룹을 만들지 않는다. 그래서 첫 읽기가 이렇게 실패하고, Spring의 listener container는")
	rediscli.Say(stdout,
		"listener container cancels the subscription on an error. The service runs on and reads nothing.",
		"오류가 나면 구독을 취소한다. 서비스는 떠 있지만 아무것도 읽지 않는다.")

	step("XGROUP CREATE needs the stream to exist", "XGROUP CREATE는 stream이 있어야 한다")
	client.XGroupCreate(ctx, stream, group, "$")
	rediscli.Say(stdout,
		"The tutorial's command works on a stream that has entries already. This one does not exist yet.",
		"원문의 명령은 엔트리가 이미 있는 stream에서만 된다. 이 stream은 아직 없다.")

	step("XGROUP CREATE ... MKSTREAM creates an empty stream along with the group",
		"XGROUP CREATE ... MKSTREAM은 그룹과 함께 빈 stream을 만든다")
	client.XGroupCreateMkStream(ctx, stream, group, "$")
	rediscli.Say(stdout,
		"$ means: deliver only the entries added from now on (0 would deliver the whole stream).",
		"$는 지금부터 추가되는 엔트리만 전달하라는 뜻이다(0이면 stream 전체를 전달한다).")
	rediscli.Say(stdout,
		"A service creates its group like this when it starts, before its first read: the fix the tutorial's services need.",
		"서비스는 시작할 때, 첫 읽기 전에 이렇게 그룹을 만든다. 원문의 서비스에 필요한 바로 그 수정이다.")

	step("XGROUP CREATE again: BUSYGROUP", "XGROUP CREATE를 다시 하면: BUSYGROUP")
	client.XGroupCreateMkStream(ctx, stream, group, "$")
	rediscli.Say(stdout,
		"A restarted service gets this error every time it starts. It means the group is there: treat it as success.",
		"다시 시작한 서비스는 시작할 때마다 이 오류를 받는다. 그룹이 이미 있다는 뜻이니 성공으로 여긴다.")

	// Reading in a group.

	step("XADD: three entries arrive", "XADD: 엔트리 세 개가 들어온다")
	client.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []string{"user-a", "hi", "user-b", "hello"}})
	client.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []string{"user-a", "how are you?"}})
	client.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []string{"user-b", "fine, thanks"}})
	rediscli.Say(stdout,
		"A producer writes as in lesson 01: XADD knows nothing of groups or consumers.",
		"producer는 레슨 01처럼 쓴다. XADD는 그룹도 consumer도 모른다.")

	step("XREADGROUP ... >: consumer-1 of %s reads a new entry", "XREADGROUP ... >: %s의 consumer-1이 새 엔트리를 읽는다", group)
	first := readOne(ctx, client, "consumer-1", noBlock)
	rediscli.Say(stdout,
		"> means: entries this group has never delivered. The group remembers how far it got.",
		">는 이 그룹이 한 번도 전달하지 않은 엔트리를 뜻한다. 그룹은 어디까지 전달했는지 기억한다.")

	step("XREADGROUP ... >: consumer-2 gets the next one", "XREADGROUP ... >: consumer-2는 그다음 엔트리를 받는다")
	second := readOne(ctx, client, "consumer-2", noBlock)
	rediscli.Say(stdout,
		"consumer-1 got %s and consumer-2 got %s: in a group, each entry goes to one consumer.",
		"받은 엔트리: consumer-1은 %s, consumer-2는 %s. 그룹 안에서 엔트리 하나는 consumer 하나에게만 간다.", first, second)

	// Acknowledging: the pending entries list.

	step("XPENDING: delivered, not acknowledged yet", "XPENDING: 전달했지만 아직 ack하지 않은 엔트리")
	client.XPending(ctx, stream, group)
	rediscli.Say(stdout,
		"Two pending entries, the lowest and highest ID, and how many each consumer holds.",
		"pending 엔트리 두 개, 가장 작은 ID와 가장 큰 ID, 그리고 consumer마다 몇 개를 들고 있는지가 나온다.")

	step("XACK: consumer-1 processes its entry, then acknowledges it", "XACK: consumer-1은 엔트리를 처리한 뒤 ack한다")
	client.XAck(ctx, stream, group, first)
	rediscli.Say(stdout,
		"(integer) 1: one entry acknowledged, and out of the pending list.",
		"(integer) 1: 엔트리 하나가 ack되어 pending 목록에서 빠졌다.")
	rediscli.Say(stdout,
		"Acknowledge after the work is done: if the consumer dies before, the entry stays pending for someone else.",
		"ack는 일을 마친 뒤에 한다. 그 전에 consumer가 죽으면 엔트리는 pending으로 남아 다른 consumer를 기다린다.")

	// A consumer dies: taking over its entries.

	step("consumer-2 dies before its XACK: XPENDING - + 10 lists what it held",
		"consumer-2는 XACK 전에 죽는다: XPENDING - + 10이 그것이 든 엔트리를 보여 준다")
	pendingDetail(ctx, client)
	rediscli.Say(stdout,
		"Each row: entry ID, its consumer, milliseconds since delivery, number of deliveries.",
		"각 줄은 엔트리 ID, 그것을 든 consumer, 전달 뒤 지난 밀리초, 전달 횟수다.")
	rediscli.Say(stdout,
		"%s waits for consumer-2, which is not coming back.",
		"그 엔트리(%s)는 돌아오지 않을 consumer-2를 기다린다.", second)

	step("XINFO CONSUMERS: the consumers of %s", "XINFO CONSUMERS: %s의 consumer들", group)
	tracksIdle := consumers(ctx, client)
	rediscli.Say(stdout,
		"One row per consumer: the entries it holds (pending), and the milliseconds since it last read (idle).",
		"consumer마다 한 줄: 들고 있는 엔트리 수(pending)와 마지막으로 읽은 뒤 지난 밀리초(idle).")
	if !tracksIdle {
		rediscli.Say(stdout,
			"idle -1: this Redis does not keep it. The embedded one (go run ./scripts/redis) does not; redis-server does.",
			"idle -1: 이 Redis는 그 값을 기록하지 않는다. 내장 Redis(go run ./scripts/redis)는 기록하지 않고, redis-server는 기록한다.")
	}
	rediscli.Say(stdout,
		"consumer-2 is gone, yet it stays in the group with its entry: nothing tells Redis that a consumer died.",
		"consumer-2는 사라졌지만 엔트리를 든 채 그룹에 남아 있다. consumer가 죽었다고 Redis에 알려 주는 것은 없다.")

	step("consumer-1 reads on: the third entry", "consumer-1은 계속 읽는다: 세 번째 엔트리")
	third := readOne(ctx, client, "consumer-1", noBlock)
	client.XAck(ctx, stream, group, third)
	rediscli.Say(stdout,
		"consumer-1 got the third entry, processed it and acknowledged it.",
		"consumer-1은 세 번째 엔트리를 받아 처리하고 ack했다.")

	step("> never hands out an entry another consumer holds", ">는 다른 consumer가 든 엔트리를 내주지 않는다")
	readOne(ctx, client, "consumer-1", minIdle)
	rediscli.Say(stdout,
		"consumer-1 waited %d ms for more: (nil). %s is stuck with consumer-2.",
		"consumer-1은 다음 것을 %d ms 기다렸다: (nil). 그 엔트리(%s)는 consumer-2에게 묶여 있다.", minIdle.Milliseconds(), second)

	step("XAUTOCLAIM: consumer-1 takes over entries idle for %d ms or more",
		"XAUTOCLAIM: consumer-1이 %d ms 넘게 방치된 엔트리를 넘겨받는다", minIdle.Milliseconds())
	claimed, _, _ := client.XAutoClaim(ctx, &redis.XAutoClaimArgs{
		Stream: stream, Group: group, Consumer: "consumer-1", MinIdle: minIdle, Start: "0-0", Count: 10,
	}).Result()
	rediscli.Say(stdout,
		"The reply: where the next scan starts (0-0: done), the entries claimed, and the IDs it found deleted.",
		"응답은 다음 탐색을 시작할 곳(0-0이면 끝), 넘겨받은 엔트리, 그리고 지워진 것으로 확인된 ID들이다.")
	rediscli.Say(stdout,
		"XCLAIM does the same for the IDs you name, found with XPENDING; XAUTOCLAIM scans the pending list itself.",
		"XCLAIM은 XPENDING으로 찾은 ID를 직접 주어 같은 일을 한다. XAUTOCLAIM은 pending 목록을 스스로 훑는다.")

	step("The claimed entry: delivered twice, then acknowledged", "넘겨받은 엔트리: 두 번 전달된 뒤 ack된다")
	pendingDetail(ctx, client)
	rediscli.Say(stdout,
		"%s is consumer-1's now, with 2 deliveries: a consumer can use that count to spot an entry that keeps failing.",
		"이제 그 엔트리(%s)는 consumer-1의 것이고 전달 횟수는 2다. consumer는 이 횟수로 계속 실패하는 엔트리를 알아챌 수 있다.", second)
	for _, m := range claimed {
		client.XAck(ctx, stream, group, m.ID)
	}
	rediscli.Say(stdout,
		"consumer-1 processed it and acknowledged it. A service runs XAUTOCLAIM on a timer, so no entry stays stuck.",
		"consumer-1은 그것을 처리하고 ack했다. 서비스는 XAUTOCLAIM을 주기적으로 돌리므로 묶인 채 남는 엔트리가 없다.")

	step("XPENDING: nothing is pending", "XPENDING: pending인 엔트리가 없다")
	client.XPending(ctx, stream, group)
	rediscli.Say(stdout,
		"All three entries are acknowledged, the one consumer-2 died holding included.",
		"consumer-2가 든 채 죽은 것까지, 엔트리 세 개가 모두 ack되었다.")
	rediscli.Say(stdout,
		"consumer-2 may have done part of its work before it died: processing must cope with doing an entry twice.",
		"consumer-2는 죽기 전에 일을 일부 했을 수도 있다. 그러니 같은 엔트리를 두 번 처리해도 괜찮아야 한다.")

	// NOACK, as the tutorial reads.

	step("XREADGROUP ... NOACK, as the tutorial's Spring services read",
		"원문의 Spring 서비스처럼 XREADGROUP ... NOACK으로 읽는다")
	rediscli.Say(stdout,
		"consumer-2 comes back and reads as the tutorial's RedisStreamConfig does, with receiveAutoAck.",
		"consumer-2가 돌아와, 원문의 RedisStreamConfig처럼 receiveAutoAck으로 읽는다.")
	client.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []string{"user-a", "are you there?"}})
	client.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: group, Consumer: "consumer-2", Streams: []string{stream, ">"}, Count: 1, Block: noBlock, NoAck: true,
	})
	rediscli.Say(stdout,
		"Spring's receiveAutoAck reads with NOACK: the entry counts as acknowledged the moment it is delivered.",
		"Spring의 receiveAutoAck은 NOACK으로 읽는다. 엔트리는 전달되는 순간 ack된 것으로 친다.")

	step("After NOACK: nothing to recover", "NOACK 뒤에는: 되살릴 것이 없다")
	err := client.XPending(ctx, stream, group).Err()
	rediscli.Say(stdout,
		"Nothing entered the pending list. If consumer-2 dies before it has processed this entry, no XAUTOCLAIM",
		"pending 목록에는 아무것도 들어가지 않았다. consumer-2가 이 엔트리를 처리하기 전에 죽으면")
	rediscli.Say(stdout,
		"can find it: the event is lost. The services of this course acknowledge after processing instead.",
		"어떤 XAUTOCLAIM도 찾지 못한다. 이벤트를 잃는다. 이 과정의 서비스는 대신 처리한 뒤에 ack한다.")
	return err
}

// run reads the flags, connects, and prints every command and reply of the
// lesson.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := cli.FlagsInTwoLanguages("03-consumer-groups", "go run ./03-consumer-groups [-auto] [-lang ko]", help, helpKO, stderr)
	auto := pace.Flag(flags)
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	client, _, err := redisconn.Connect(ctx, getenv, redisconn.Redis70)
	if err != nil {
		return err
	}
	defer client.Close()
	client.AddHook(rediscli.Echo{W: stdout}) // print every command and its reply
	return lesson(ctx, client, pace.Steps(ctx, stdout, *auto), stdout)
}

// readOne reads at most one new entry (>) as consumer, waiting up to block,
// and returns its ID, or "" when none came.
func readOne(ctx context.Context, client redis.UniversalClient, consumer string, block time.Duration) string {
	streams, err := client.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: group, Consumer: consumer, Streams: []string{stream, ">"}, Count: 1, Block: block,
	}).Result()
	if err != nil || len(streams) == 0 || len(streams[0].Messages) == 0 {
		return ""
	}
	return streams[0].Messages[0].ID
}

// pendingDetail lists the pending entries, one row each: XPENDING's extended form.
func pendingDetail(ctx context.Context, client redis.UniversalClient) {
	client.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: stream, Group: group, Start: "-", End: "+", Count: 10})
}

// consumers lists the group's consumers with XINFO CONSUMERS, and reports
// whether the server keeps their idle times: the embedded Redis answers -1.
func consumers(ctx context.Context, client redis.UniversalClient) (tracksIdle bool) {
	rows, _ := client.Do(ctx, "XINFO", "CONSUMERS", stream, group).Slice()
	for _, row := range rows {
		fields, _ := row.(map[any]any) // RESP3, which go-redis speaks
		if idle, ok := fields["idle"].(int64); ok && idle < 0 {
			return false
		}
	}
	return true
}

// help is what -h prints, in English and in Korean.
const (
	help = "Lesson 03: XGROUP CREATE (MKSTREAM, BUSYGROUP), XREADGROUP with >, XPENDING, XACK,\n" +
		"XINFO CONSUMERS, XAUTOCLAIM and NOACK, with the group " + group + " on the stream " + stream + ".\n" +
		"It deletes " + stream + " first, so every run tells the same story. Straight through, it takes\n" +
		"a little over 1 s. REDIS_URL names the server (default " + redisconn.DefaultAddr + "); it needs Redis 7.0 or newer.\n" +
		pace.HelpEN + "\n" +
		"The explanations are in Korean with -lang ko or a Korean LANG."
	helpKO = "레슨 03: stream " + stream + "의 그룹 " + group + "으로 XGROUP CREATE(MKSTREAM, BUSYGROUP),\n" +
		"XREADGROUP >, XPENDING, XACK, XINFO CONSUMERS, XAUTOCLAIM, NOACK을 익힌다.\n" +
		"먼저 " + stream + "를 지우므로 몇 번을 실행해도 같은 이야기를 들려준다. 멈추지 않고 가면 1초 남짓 걸린다.\n" +
		"REDIS_URL로 서버를 지정한다(기본값 " + redisconn.DefaultAddr + "). Redis 7.0 이상이 필요하다.\n" +
		pace.HelpKO + "\n" +
		"설명은 -lang en이면 영어로 나온다."
)
