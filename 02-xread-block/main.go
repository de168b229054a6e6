// Lesson 02: read a stream from an offset with XREAD, and wait for new
// entries with XREAD BLOCK.
//
// XRANGE (lesson 01) reads the range you name. XREAD reads what comes after an
// ID you already have, so that ID works as an offset. With BLOCK it waits for
// entries that do not exist yet, which turns it into an event listener.
//
//	go run ./02-xread-block           the lesson: a listener and a publisher in one program
//	go run ./02-xread-block listen    terminal 1: print each new entry as it arrives
//	go run ./02-xread-block publish   terminal 2: add one entry
//
// Each explanation is written in English and in Korean; -lang ko or a Korean
// LANG picks Korean. On a terminal the lesson waits for Enter before each
// step (kit/pace); -auto runs it straight through.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/pace"
	"github.com/streams-workshop/kit/rediscli"
	"github.com/streams-workshop/kit/redisconn"
)

// stream is the key the tutorial uses.
const stream = "user-notifications"

// noBlock leaves BLOCK out of XREAD. go-redis sends BLOCK whenever Block >= 0,
// and the zero value means BLOCK 0: wait forever.
const noBlock = -1

func main() { cli.Main("02-xread-block", run) }

// lesson tells the story. It does not check each command's result: the echo
// hook prints every reply, errors included, as redis-cli would, and the story
// goes on as it would in redis-cli. Real code checks err after each call.
// step prints each step's heading, after a pause on a terminal.
func lesson(ctx context.Context, client redis.UniversalClient, step pace.Step, getenv func(string) string, stdout io.Writer) error {
	step("Start from an empty stream", "빈 stream에서 시작한다")
	client.Del(ctx, stream)
	rediscli.Say(stdout,
		"This lesson owns %s: it deletes the key so that each run starts the same way.",
		"이 레슨은 %s를 혼자 쓴다. 실행할 때마다 같은 상태에서 시작하도록 키를 지운다.", stream)

	step("Three entries to read", "읽을 엔트리 세 개")
	first := client.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []string{"user-a", "hi", "user-b", "hello"}}).Val()
	client.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []string{"user-a", "how are you?"}})
	last := client.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []string{"user-b", "fine, thanks"}}).Val()

	step("XREAD from 0 reads every entry after ID 0", "0부터 XREAD: ID 0 다음의 엔트리를 모두 읽는다")
	client.XRead(ctx, &redis.XReadArgs{Streams: []string{stream, "0"}, Block: noBlock})
	rediscli.Say(stdout,
		"XREAD returns the entries after the ID you give, not including it. Every ID is greater than 0.",
		"XREAD는 건넨 ID 다음의 엔트리를 돌려주며, 그 ID 자체는 넣지 않는다. 모든 ID는 0보다 크다.")
	rediscli.Say(stdout,
		"The reply is grouped by stream, because one XREAD can read several: STREAMS s1 s2 id1 id2.",
		"XREAD 한 번으로 stream 여러 개를 읽을 수 있어서 응답은 stream별로 묶인다: STREAMS s1 s2 id1 id2.")

	step("XREAD COUNT 1 from an ID: the ID is an offset", "ID부터 XREAD COUNT 1: ID가 곧 오프셋이다")
	client.XRead(ctx, &redis.XReadArgs{Streams: []string{stream, first}, Count: 1, Block: noBlock})
	rediscli.Say(stdout,
		"After the first entry, at most one: the second. A reader keeps the last ID it got and passes it next time.",
		"첫 엔트리 다음에서 최대 하나, 곧 두 번째 엔트리다. 읽는 쪽은 마지막으로 받은 ID를 기억했다가 다음 읽기에 넘긴다.")

	step("XREAD BLOCK 1000 waits up to 1000 ms for an entry after the last one",
		"XREAD BLOCK 1000은 마지막 엔트리 다음 것을 최대 1000 ms 기다린다")
	err := client.XRead(ctx, &redis.XReadArgs{Streams: []string{stream, last}, Block: time.Second}).Err()
	if errors.Is(err, redis.Nil) {
		rediscli.Say(stdout,
			"Nothing came within 1000 ms, so the reply is (nil). go-redis returns it as the error redis.Nil.",
			"1000 ms 안에 아무것도 오지 않아 응답은 (nil)이다. go-redis는 이것을 redis.Nil 오류로 돌려준다.")
	}
	rediscli.Say(stdout,
		"In go-redis, Block is a time.Duration: write time.Second. Block: 1000 means 1000 ns, sent as BLOCK 0,",
		"go-redis에서 Block은 time.Duration이므로 time.Second라고 쓴다. Block: 1000은 1000 ns라서 BLOCK 0으로 나가고,")
	rediscli.Say(stdout,
		"no time limit; go-redis then gives up after 10 s with an i/o timeout. Leaving Block out is BLOCK 0 too.",
		"시간 제한이 사라진다. go-redis는 10초 뒤 i/o timeout으로 포기한다. Block을 아예 빼도 BLOCK 0이다.")
	rediscli.Say(stdout,
		"Block: -1 sends no BLOCK at all, as in the two reads before this one.",
		"Block: -1이면 BLOCK을 아예 보내지 않는다. 앞의 두 XREAD가 그렇다.")

	step("A deadline ends a blocking read; a cancel does not",
		"deadline은 블로킹 읽기를 끝내지만 cancel은 끝내지 못한다")
	deadline, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	client.XRead(deadline, &redis.XReadArgs{Streams: []string{stream, last}, Block: 0})
	cancel()
	rediscli.Say(stdout,
		"The context's 500 ms deadline ended even BLOCK 0: the course's client sets ContextTimeoutEnabled,",
		"context의 500 ms deadline이 BLOCK 0마저 끝냈다. 이 과정의 클라이언트는 ContextTimeoutEnabled를 켜 두므로")
	rediscli.Say(stdout,
		"so go-redis puts the deadline on the socket. A plain cancel, such as Ctrl-C's, has no deadline:",
		"go-redis가 deadline을 소켓에 건다. Ctrl-C 같은 단순한 cancel에는 deadline이 없어서,")
	rediscli.Say(stdout,
		"it does not end a blocking read, which returns only when its BLOCK is over. Keep BLOCK short in a loop.",
		"블로킹 읽기를 끝내지 못한다. 읽기는 BLOCK이 끝나야 돌아온다. 그래서 루프에서는 BLOCK을 짧게 둔다.")

	step("XREAD BLOCK 0 STREAMS %s $: an event listener",
		"XREAD BLOCK 0 STREAMS %s $: 이벤트 listener", stream)
	rediscli.Say(stdout,
		"BLOCK 0 waits with no time limit. $ means: after the newest entry at the moment Redis runs this XREAD.",
		"BLOCK 0은 시간 제한 없이 기다린다. $는 Redis가 이 XREAD를 실행하는 순간의 가장 최근 엔트리 다음을 뜻한다.")
	rediscli.Say(stdout,
		"Two more clients: a blocked connection can do nothing else. Each line they print starts with their name.",
		"클라이언트를 두 개 더 쓴다. 블록된 연결은 다른 일을 할 수 없다. 둘이 출력하는 줄은 각자의 이름으로 시작한다.")
	news := [][]string{
		{"user-b", "are you there?"},
		{"user-a", "yes, listening"},
		{"user-a", "bye", "user-b", "bye"},
	}
	if err := listenerMeetsPublisher(ctx, getenv, stdout, news); err != nil {
		return err
	}
	rediscli.Say(stdout,
		"The listener saw only what was added after it started waiting. After its first read it asked for",
		"listener는 기다리기 시작한 뒤에 추가된 것만 보았다. 첫 읽기 다음부터는 $를 다시 보내지 않고")
	rediscli.Say(stdout,
		"what came after the last ID it received, not for $ again: $ would skip entries added between two reads.",
		"마지막으로 받은 ID 다음을 요청했다. $를 다시 보내면 두 읽기 사이에 추가된 엔트리를 놓친다.")

	step("Reading removed nothing", "읽어도 아무것도 지워지지 않았다")
	err = client.XLen(ctx, stream).Err()
	rediscli.Say(stdout,
		"Every reader with XREAD sees every entry. To share the entries among workers, each to one of them, use a consumer group: lesson 03.",
		"XREAD로 읽으면 누구나 모든 엔트리를 본다. 엔트리를 작업자들에게 하나씩 나눠 주려면 consumer group을 쓴다: 레슨 03.")
	return err
}

// pause lets the listener's XREAD reach Redis before the publisher's XADD:
// $ means "after the newest entry when Redis runs the XREAD", so an entry
// added a moment earlier would never reach the listener.
const pause = 300 * time.Millisecond

// listenerMeetsPublisher plays two programs on one screen: a listener blocks
// on XREAD BLOCK 0 ... $ in a goroutine, and a publisher adds the entries in
// news, one at a time, each once the listener waits. Each has its own client,
// because a blocked connection can do nothing else.
func listenerMeetsPublisher(ctx context.Context, getenv func(string) string, stdout io.Writer, news [][]string) error {
	listener, err := connect(ctx, getenv, stdout, "listener  | ")
	if err != nil {
		return err
	}
	defer listener.Close()
	publisher, err := connect(ctx, getenv, stdout, "publisher | ")
	if err != nil {
		return err
	}
	defer publisher.Close()

	blocking := make(chan struct{})
	done := make(chan error, 1)
	go func() { done <- listenFor(ctx, listener, len(news), stdout, blocking) }()

	<-blocking
	time.Sleep(pause)
	for _, values := range news {
		publisher.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: values})
		time.Sleep(pause) // one entry at a time, so that each wakes the listener
	}
	select {
	case err = <-done:
		return err
	case <-ctx.Done():
		// The listener's BLOCK 0 does not end on a cancel; ending run ends the program.
		return nil
	}
}

// listenFor is the event listener of the lesson: it reads n new entries,
// first after $, then after the last ID it received. It closes blocking just
// before its first read.
func listenFor(ctx context.Context, client redis.UniversalClient, n int, stdout io.Writer, blocking chan<- struct{}) error {
	id := "$"
	close(blocking)
	for received := 0; received < n; {
		streams, err := client.XRead(ctx, &redis.XReadArgs{Streams: []string{stream, id}, Block: 0}).Result()
		if err != nil {
			return err
		}
		for _, m := range streams[0].Messages {
			rediscli.Say(stdout, "The listener got %s: %s", "listener가 엔트리를 받았다. %s: %s", m.ID, fields(m))
			id = m.ID
			received++
		}
	}
	return nil
}

// run reads the command line and runs the lesson, listen or publish.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := cli.FlagsInTwoLanguages("02-xread-block", "go run ./02-xread-block [-auto] [-lang ko] [listen [-n N] | publish [FIELD VALUE]...]", help, helpKO, stderr)
	auto := pace.Flag(flags)
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	switch flags.Arg(0) {
	case "":
		client, err := connect(ctx, getenv, stdout, "")
		if err != nil {
			return err
		}
		defer client.Close()
		return lesson(ctx, client, pace.Steps(ctx, stdout, *auto), getenv, stdout)
	case "listen":
		return listen(ctx, flags.Args()[1:], getenv, stdout, stderr)
	case "publish":
		return publish(ctx, flags.Args()[1:], getenv, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\n", flags.Arg(0))
		flags.Usage()
		return cli.ErrUsage
	}
}

// connect opens a client whose commands and replies are echoed to stdout,
// each line after prefix.
func connect(ctx context.Context, getenv func(string) string, stdout io.Writer, prefix string) (redis.UniversalClient, error) {
	client, _, err := redisconn.Connect(ctx, getenv, redisconn.Redis62)
	if err != nil {
		return nil, err
	}
	client.AddHook(rediscli.Echo{W: stdout, Prefix: prefix})
	return client, nil
}

// fields shows an entry's fields as field=value, sorted by field, because
// go-redis returns them in a map.
func fields(m redis.XMessage) string {
	names := make([]string, 0, len(m.Values))
	for name := range m.Values {
		names = append(names, name)
	}
	sort.Strings(names)
	for i, name := range names {
		names[i] = fmt.Sprintf("%s=%v", name, m.Values[name])
	}
	return strings.Join(names, " ")
}

// help is what -h prints, in English and in Korean.
const (
	help = "Lesson 02: XREAD from an ID, with COUNT, with BLOCK and a timeout, and XREAD BLOCK 0 ... $\n" +
		"as an event listener, on the stream " + stream + ".\n" +
		"Without a command it runs the lesson: it deletes " + stream + " first, so every run tells the\n" +
		"same story, then plays a listener and a publisher at once.\n" +
		pace.HelpEN + "\n\n" +
		"Commands, for two terminals (they delete nothing):\n" +
		"  listen    print each new entry as it arrives, until Ctrl-C (listen -h for its flags)\n" +
		"  publish   add one entry: publish user-a hi user-b hello (the default)\n\n" +
		"REDIS_URL names the server (default " + redisconn.DefaultAddr + ").\n" +
		"The explanations are in Korean with -lang ko or a Korean LANG."
	helpKO = "레슨 02: stream " + stream + "에서 ID부터 읽는 XREAD, COUNT, BLOCK과 시간 제한,\n" +
		"그리고 이벤트 listener로 쓰는 XREAD BLOCK 0 ... $를 익힌다.\n" +
		"명령 없이 실행하면 레슨을 보여 준다. 먼저 " + stream + "를 지우므로 몇 번을 실행해도\n" +
		"같은 이야기를 들려주며, listener와 publisher를 한꺼번에 연기한다.\n" +
		pace.HelpKO + "\n\n" +
		"터미널 두 개에서 쓰는 명령(아무것도 지우지 않는다):\n" +
		"  listen    새 엔트리가 들어올 때마다 출력한다. Ctrl-C로 멈춘다(플래그는 listen -h)\n" +
		"  publish   엔트리를 하나 추가한다: publish user-a hi user-b hello(기본값)\n\n" +
		"REDIS_URL로 서버를 지정한다(기본값 " + redisconn.DefaultAddr + ").\n" +
		"설명은 -lang en이면 영어로 나온다."
)
