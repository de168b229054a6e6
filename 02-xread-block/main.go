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
	"github.com/streams-workshop/kit/rediscli"
	"github.com/streams-workshop/kit/redisconn"
)

// stream is the key the tutorial uses.
const stream = "user-notifications"

// noBlock leaves BLOCK out of XREAD. go-redis sends BLOCK whenever Block >= 0,
// and the zero value means BLOCK 0: wait forever.
const noBlock = -1

// pause lets the listener's XREAD reach Redis before the publisher's XADD:
// $ means "after the newest entry when Redis runs the XREAD", so an entry
// added a moment earlier would never reach the listener.
const pause = 300 * time.Millisecond

func main() { cli.Main("02-xread-block", run) }

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := cli.Flags("02-xread-block", "go run ./02-xread-block [listen [-n N] | publish [FIELD VALUE]...]",
		"Lesson 02: XREAD from an ID, with COUNT, with BLOCK and a timeout, and XREAD BLOCK 0 ... $\n"+
			"as an event listener, on the stream "+stream+".\n"+
			"Without a command it runs the lesson: it deletes "+stream+" first, so every run tells the\n"+
			"same story, then plays a listener and a publisher at once.\n\n"+
			"Commands, for two terminals (they delete nothing):\n"+
			"  listen    print each new entry as it arrives, until Ctrl-C (listen -h for its flags)\n"+
			"  publish   add one entry: publish user-a hi user-b hello (the default)\n\n"+
			"REDIS_URL names the server (default "+redisconn.DefaultAddr+").", stderr)
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	switch flags.Arg(0) {
	case "":
		return lesson(ctx, getenv, stdout)
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

func lesson(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	client, err := connect(ctx, getenv, stdout, "")
	if err != nil {
		return err
	}
	defer client.Close()

	rediscli.Step(stdout, "Start from an empty stream")
	client.Del(ctx, stream)
	rediscli.Say(stdout, "This lesson owns %s: it deletes the key so that each run starts the same way.", stream)

	rediscli.Step(stdout, "Three entries to read")
	first := client.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []string{"user-a", "hi", "user-b", "hello"}}).Val()
	client.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []string{"user-a", "how are you?"}})
	last := client.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []string{"user-b", "fine, thanks"}}).Val()

	rediscli.Step(stdout, "XREAD from 0 reads every entry after ID 0")
	client.XRead(ctx, &redis.XReadArgs{Streams: []string{stream, "0"}, Block: noBlock})
	rediscli.Say(stdout, "XREAD returns the entries after the ID you give, not including it. Every ID is greater than 0.")
	rediscli.Say(stdout, "The reply is grouped by stream, because one XREAD can read several: STREAMS s1 s2 id1 id2.")

	rediscli.Step(stdout, "XREAD COUNT 1 from an ID: the ID is an offset")
	client.XRead(ctx, &redis.XReadArgs{Streams: []string{stream, first}, Count: 1, Block: noBlock})
	rediscli.Say(stdout, "After the first entry, at most one: the second. A reader keeps the last ID it got and passes it next time.")

	rediscli.Step(stdout, "XREAD BLOCK 1000 waits up to 1000 ms for an entry after the last one")
	err = client.XRead(ctx, &redis.XReadArgs{Streams: []string{stream, last}, Block: time.Second}).Err()
	if errors.Is(err, redis.Nil) {
		rediscli.Say(stdout, "Nothing came within 1000 ms, so the reply is (nil). go-redis returns it as the error redis.Nil.")
	}
	rediscli.Say(stdout, "In go-redis, Block is a time.Duration: write time.Second. Block: 1000 means 1000 ns, sent as BLOCK 0,")
	rediscli.Say(stdout, "no time limit; go-redis then gives up after 10 s with an i/o timeout. Leaving Block out is BLOCK 0 too.")
	rediscli.Say(stdout, "Block: -1 sends no BLOCK at all, as in the two reads before this one.")

	rediscli.Step(stdout, "XREAD BLOCK 0 STREAMS %s $: an event listener", stream)
	rediscli.Say(stdout, "BLOCK 0 waits with no time limit. $ means: after the newest entry at the moment Redis runs this XREAD.")
	rediscli.Say(stdout, "Two more clients: a blocked connection can do nothing else. Each line they print starts with their name.")
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

	news := [][]string{
		{"user-b", "are you there?"},
		{"user-a", "yes, listening"},
		{"user-a", "bye", "user-b", "bye"},
	}
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
	case <-ctx.Done():
		// The listener's BLOCK 0 does not see ctx; ending run ends the program.
		return nil
	}
	if err != nil {
		return err
	}
	rediscli.Say(stdout, "The listener saw only what was added after it started waiting. After its first read it asked for")
	rediscli.Say(stdout, "what came after the last ID it received, not for $ again: $ would skip entries added between two reads.")

	rediscli.Step(stdout, "Reading removed nothing")
	err = client.XLen(ctx, stream).Err()
	rediscli.Say(stdout, "Every reader with XREAD sees every entry. To share the entries among workers, each to one of them, use a consumer group: lesson 03.")
	return err
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
			rediscli.Say(stdout, "The listener got %s: %s", m.ID, fields(m))
			id = m.ID
			received++
		}
	}
	return nil
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
