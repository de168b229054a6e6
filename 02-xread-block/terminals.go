package main

// The two commands for class: `listen` in one terminal, `publish` in another.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/lang"
	"github.com/streams-workshop/kit/rediscli"
)

// pollBlock is how long each read of `listen` waits. A cancel (Ctrl-C) does
// not end a blocking read: it is noticed only when the read returns, so the
// wait stays short. Spring's listener container also waits at most its
// pollTimeout (1 s in the tutorial) per read.
const pollBlock = 2 * time.Second

// listen prints each new entry of the stream as it arrives.
func listen(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := cli.FlagsInTwoLanguages("listen", "go run ./02-xread-block listen [-n N] [-lang ko]", listenHelp, listenHelpKO, stderr)
	n := flags.Int("n", 0, lang.Both("stop after `N` entries (0: run until Ctrl-C)", "엔트리 `N`개를 보여 준 뒤 멈춘다(0: Ctrl-C까지)"))
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	client, err := connect(ctx, getenv, stdout, "")
	if err != nil {
		return err
	}
	defer client.Close()

	rediscli.Step(stdout, "Listening for new entries on %s (Ctrl-C stops)",
		"%s의 새 엔트리를 기다린다(Ctrl-C로 멈춘다)", stream)
	// A loop that sends $ at each read loses whatever arrives between two
	// reads. So `listen` pins $ down once, as the newest entry's ID, and from
	// then on always reads after the last ID it has seen.
	newest, err := client.XRevRangeN(ctx, stream, "+", "-", 1).Result()
	if err != nil {
		return err
	}
	id := "0-0" // no entry yet: the first one to come is new
	if len(newest) > 0 {
		id = newest[0].ID
	}
	rediscli.Say(stdout,
		"Start after %s, the newest entry: what $ means right now. Each read then starts after the last ID received.",
		"가장 최근 엔트리 %s 다음부터 시작한다. 지금 이 순간의 $가 뜻하는 자리다. 그 뒤로는 마지막으로 받은 ID 다음부터 읽는다.", id)
	rediscli.Say(stdout,
		"Each read waits at most %d ms, so that Ctrl-C is noticed: a cancel does not end a blocking read.",
		"Ctrl-C를 알아차리도록 읽기마다 최대 %d ms만 기다린다. cancel은 블로킹 읽기를 끝내지 못한다.", pollBlock.Milliseconds())
	if path := getenv("READY_FILE"); path != "" { // for tests: the first blocking read comes next
		if err := os.WriteFile(path, nil, 0o644); err != nil {
			return err
		}
	}

	received := 0
	for *n == 0 || received < *n {
		read := &redis.XReadArgs{Streams: []string{stream, id}, Block: pollBlock}
		if *n > 0 {
			read.Count = int64(*n - received) // only what is left to show
		}
		streams, err := client.XRead(ctx, read).Result()
		if err == nil {
			for _, m := range streams[0].Messages {
				rediscli.Say(stdout, "got %s: %s", "%s 받음: %s", m.ID, fields(m))
				id = m.ID
				received++
			}
		}
		if ctx.Err() != nil {
			break // Ctrl-C: a clean stop, not an error
		}
		if err != nil && !errors.Is(err, redis.Nil) { // redis.Nil: the wait timed out, read again
			return err
		}
	}
	rediscli.Say(stdout, "Stopped. Entries shown: %d.", "멈췄다. 보여 준 엔트리: %d개.", received)
	return nil
}

// publish adds one entry, with the fields and values given as arguments.
func publish(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := cli.FlagsInTwoLanguages("publish", "go run ./02-xread-block publish [-lang ko] [FIELD VALUE]...", publishHelp, publishHelpKO, stderr)
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	values := flags.Args()
	if len(values) == 0 {
		values = []string{"user-a", "hi", "user-b", "hello"}
	}
	if len(values)%2 != 0 {
		fmt.Fprint(stderr, lang.Pick("publish: fields and values go in pairs: FIELD VALUE [FIELD VALUE]...\n\n",
			"publish: 필드와 값은 짝을 지어 준다: FIELD VALUE [FIELD VALUE]...\n\n"))
		flags.Usage()
		return cli.ErrUsage
	}
	client, err := connect(ctx, getenv, stdout, "")
	if err != nil {
		return err
	}
	defer client.Close()
	err = client.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: values}).Err()
	if err == nil {
		rediscli.Say(stdout, "A listener in another terminal prints this entry now.",
			"다른 터미널의 listener가 지금 이 엔트리를 출력한다.")
	}
	return err
}

// The help of listen and publish, in English and in Korean.
const (
	listenHelp = "Prints each new entry of " + stream + " as it arrives, until Ctrl-C. It deletes nothing.\n" +
		"Add entries from another terminal: go run ./02-xread-block publish user-a hi user-b hello"
	listenHelpKO = stream + "의 새 엔트리가 들어올 때마다 출력한다. Ctrl-C로 멈춘다. 아무것도 지우지 않는다.\n" +
		"다른 터미널에서 엔트리를 추가해 보자: go run ./02-xread-block publish user-a hi user-b hello"
	publishHelp   = "Adds one entry to " + stream + ". Without arguments: user-a hi user-b hello."
	publishHelpKO = stream + "에 엔트리를 하나 추가한다. 인자가 없으면 user-a hi user-b hello."
)
