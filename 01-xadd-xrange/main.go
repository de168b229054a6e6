// Lesson 01: add entries to a stream with XADD, read them back with XRANGE.
//
// A stream is an append-only log under one key. Each entry is an ID plus a
// list of field-value pairs. Every command below is printed in its redis-cli
// form, followed by the reply, so you can type the same thing in redis-cli.
package main

import (
	"context"
	"io"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/rediscli"
	"github.com/streams-workshop/kit/redisconn"
)

// stream is the key the tutorial uses.
const stream = "user-notifications"

// tutorialID is the entry ID the tutorial printed for its first XADD.
const tutorialID = "1672992918152-0"

func main() { cli.Main("01-xadd-xrange", run) }

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := cli.Flags("01-xadd-xrange", "go run ./01-xadd-xrange",
		"Lesson 01: XADD, XRANGE, XREVRANGE, COUNT and XLEN on the stream "+stream+".\n"+
			"It deletes "+stream+" first, so every run tells the same story.\n"+
			"REDIS_URL names the server (default "+redisconn.DefaultAddr+").", stderr)
	if err := cli.Parse(flags, args); err != nil {
		return err
	}

	client, _, err := redisconn.Connect(ctx, getenv, redisconn.Redis62)
	if err != nil {
		return err
	}
	defer client.Close()
	client.AddHook(rediscli.Echo{W: stdout}) // print every command and its reply

	rediscli.Step(stdout, "Start from an empty stream")
	client.Del(ctx, stream)
	rediscli.Say(stdout, "This lesson owns %s: it deletes the key so that each run starts the same way.", stream)

	rediscli.Step(stdout, "XADD with an explicit ID")
	client.XAdd(ctx, &redis.XAddArgs{
		Stream: stream,
		ID:     tutorialID,
		Values: []string{"user-a", "hi", "user-b", "hello"},
	})
	rediscli.Say(stdout, "An ID is <milliseconds>-<sequence>. This is the one the tutorial printed, in January 2023.")

	rediscli.Step(stdout, "XADD with * lets Redis choose the ID")
	second := client.XAdd(ctx, &redis.XAddArgs{
		Stream: stream,
		ID:     "*",
		Values: []string{"user-a", "hi", "user-b", "hello"},
	}).Val()
	rediscli.Say(stdout, "* means: the current time in milliseconds, then a sequence number. XADD creates the stream if needed.")

	rediscli.Step(stdout, "IDs only grow")
	client.XAdd(ctx, &redis.XAddArgs{
		Stream: stream,
		ID:     tutorialID,
		Values: []string{"user-a", "again?"},
	})
	rediscli.Say(stdout, "An explicit ID must be greater than the last entry's, so a stream stays ordered by ID.")

	client.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []string{"user-a", "how are you?"}})
	fourth := client.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []string{"user-b", "fine, thanks"}}).Val()
	rediscli.Say(stdout, "Two more entries: the stream now holds four, in the order they were added.")

	rediscli.Step(stdout, "XRANGE - + reads the whole stream")
	client.XRange(ctx, stream, "-", "+")
	rediscli.Say(stdout, "- is the smallest possible ID and + the greatest. Reading does not remove anything.")

	rediscli.Step(stdout, "XRANGE with IDs reads a bounded range")
	client.XRange(ctx, stream, second, fourth)
	rediscli.Say(stdout, "Both ends are inclusive: from the second entry to the fourth.")

	rediscli.Step(stdout, "COUNT pages through a stream")
	client.XRangeN(ctx, stream, "-", "+", 2)
	rediscli.Say(stdout, "COUNT 2 returns the first two. To get the next page, start just after the last ID you saw: (ID.")

	rediscli.Step(stdout, "XREVRANGE reads backwards")
	client.XRevRangeN(ctx, stream, "+", "-", 1)
	rediscli.Say(stdout, "XREVRANGE takes the end first. With COUNT 1 it returns the newest entry.")

	rediscli.Step(stdout, "XLEN counts the entries")
	err = client.XLen(ctx, stream).Err()
	rediscli.Say(stdout, "Entries stay until you delete or trim them (XDEL, XTRIM, or XADD with MAXLEN).")
	return err
}
