// Lesson 01: add entries to a stream with XADD, read them back with XRANGE.
//
// A stream is an append-only log under one key. Each entry is an ID plus a
// list of field-value pairs. Every command below is printed in its redis-cli
// form, followed by the reply, so you can type the same thing in redis-cli.
// Each explanation is written in English and in Korean; -lang ko or a Korean
// LANG picks Korean. On a terminal the lesson waits for Enter before each
// step (kit/pace); -auto runs it straight through.
package main

import (
	"context"
	"io"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/pace"
	"github.com/streams-workshop/kit/rediscli"
	"github.com/streams-workshop/kit/redisconn"
)

// stream is the key the tutorial uses.
const stream = "user-notifications"

// tutorialID is the entry ID the tutorial printed for its first XADD.
const tutorialID = "1672992918152-0"

func main() { cli.Main("01-xadd-xrange", run) }

// lesson tells the story. It does not check each command's result: the echo
// hook prints every reply, errors included, as redis-cli would, and the story
// goes on as it would in redis-cli. Real code checks err after each call.
// step prints each step's heading, after a pause on a terminal.
func lesson(ctx context.Context, client redis.UniversalClient, step pace.Step, stdout io.Writer) error {
	step("Start from an empty stream", "빈 stream에서 시작한다")
	client.Del(ctx, stream)
	rediscli.Say(stdout,
		"This lesson owns %s: it deletes the key so that each run starts the same way.",
		"이 레슨은 %s를 혼자 쓴다. 실행할 때마다 같은 상태에서 시작하도록 키를 지운다.", stream)

	step("XADD with an explicit ID", "ID를 직접 지정한 XADD")
	client.XAdd(ctx, &redis.XAddArgs{
		Stream: stream,
		ID:     tutorialID,
		Values: []string{"user-a", "hi", "user-b", "hello"},
	})
	rediscli.Say(stdout,
		"An ID is <milliseconds>-<sequence>. This is the one the tutorial printed, in January 2023.",
		"ID는 <밀리초>-<순번> 꼴이다. 이것은 원문이 2023년 1월에 출력한 ID다.")

	step("XADD with * lets Redis choose the ID", "XADD에 *를 주면 Redis가 ID를 정한다")
	second := client.XAdd(ctx, &redis.XAddArgs{
		Stream: stream,
		ID:     "*",
		Values: []string{"user-a", "hi", "user-b", "hello"},
	}).Val()
	rediscli.Say(stdout,
		"* means: the current time in milliseconds, then a sequence number. XADD creates the stream if needed.",
		"*는 현재 시각(밀리초)에 순번을 붙여 ID를 만들라는 뜻이다. stream이 없으면 XADD가 만든다.")

	step("IDs only grow", "ID는 커지기만 한다")
	client.XAdd(ctx, &redis.XAddArgs{
		Stream: stream,
		ID:     tutorialID,
		Values: []string{"user-a", "again?"},
	})
	rediscli.Say(stdout,
		"An explicit ID must be greater than the last entry's, so a stream stays ordered by ID.",
		"직접 지정한 ID는 마지막 엔트리의 ID보다 커야 한다. 그래서 stream은 늘 ID 순서로 정렬되어 있다.")

	client.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []string{"user-a", "how are you?"}})
	fourth := client.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []string{"user-b", "fine, thanks"}}).Val()
	rediscli.Say(stdout,
		"Two more entries: the stream now holds four, in the order they were added.",
		"엔트리를 두 개 더 넣었다. 이제 stream에는 넣은 순서대로 네 개가 있다.")

	step("XRANGE - + reads the whole stream", "XRANGE - +는 stream 전체를 읽는다")
	client.XRange(ctx, stream, "-", "+")
	rediscli.Say(stdout,
		"- is the smallest possible ID and + the greatest. Reading does not remove anything.",
		"-는 가장 작은 ID, +는 가장 큰 ID를 뜻한다. 읽어도 아무것도 지워지지 않는다.")

	step("XRANGE with IDs reads a bounded range", "ID를 주면 XRANGE는 그 범위만 읽는다")
	client.XRange(ctx, stream, second, fourth)
	rediscli.Say(stdout,
		"Both ends are inclusive: from the second entry to the fourth.",
		"양 끝을 포함한다. 두 번째 엔트리부터 네 번째 엔트리까지다.")

	step("COUNT pages through a stream", "COUNT로 stream을 한 페이지씩 읽는다")
	client.XRangeN(ctx, stream, "-", "+", 2)
	rediscli.Say(stdout,
		"COUNT 2 returns the first two. To get the next page, start just after the last ID you saw: (ID.",
		"COUNT 2는 처음 두 개를 돌려준다. 다음 페이지는 마지막으로 받은 ID 바로 다음부터 읽는다: (ID.")

	step("XREVRANGE reads backwards", "XREVRANGE는 거꾸로 읽는다")
	client.XRevRangeN(ctx, stream, "+", "-", 1)
	rediscli.Say(stdout,
		"XREVRANGE takes the end first. With COUNT 1 it returns the newest entry.",
		"XREVRANGE는 끝 ID를 먼저 받는다. COUNT 1이면 가장 최근 엔트리를 돌려준다.")

	step("XLEN counts the entries", "XLEN은 엔트리 수를 센다")
	err := client.XLen(ctx, stream).Err()
	rediscli.Say(stdout,
		"Entries stay until you delete or trim them (XDEL, XTRIM, or XADD with MAXLEN).",
		"엔트리는 지우거나 잘라 낼 때까지 남는다(XDEL, XTRIM, 또는 MAXLEN을 붙인 XADD).")
	return err
}

// run reads the flags, connects, and prints every command and reply of the
// lesson.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := cli.FlagsInTwoLanguages("01-xadd-xrange", "go run ./01-xadd-xrange [-auto] [-lang ko]", help, helpKO, stderr)
	auto := pace.Flag(flags)
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	client, _, err := redisconn.Connect(ctx, getenv, redisconn.Redis62)
	if err != nil {
		return err
	}
	defer client.Close()
	client.AddHook(rediscli.Echo{W: stdout}) // print every command and its reply
	return lesson(ctx, client, pace.Steps(ctx, stdout, *auto), stdout)
}

// help is what -h prints, in English and in Korean.
const (
	help = "Lesson 01: XADD, XRANGE, XREVRANGE, COUNT and XLEN on the stream " + stream + ".\n" +
		"It deletes " + stream + " first, so every run tells the same story.\n" +
		"REDIS_URL names the server (default " + redisconn.DefaultAddr + ").\n" +
		pace.HelpEN + "\n" +
		"The explanations are in Korean with -lang ko or a Korean LANG."
	helpKO = "레슨 01: stream " + stream + "로 XADD, XRANGE, XREVRANGE, COUNT, XLEN을 익힌다.\n" +
		"먼저 " + stream + "를 지우므로, 몇 번을 실행해도 같은 이야기를 들려준다.\n" +
		"REDIS_URL로 서버를 지정한다(기본값 " + redisconn.DefaultAddr + ").\n" +
		pace.HelpKO + "\n" +
		"설명은 -lang en이면 영어로 나온다."
)
