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
	"github.com/streams-workshop/kit/rediscli"
)

// pollBlock is how long each read of `listen` waits. A blocking read does not
// watch its context: Ctrl-C is noticed only when the read returns, so the
// wait stays short. Spring's listener container polls the same way (the
// tutorial sets pollTimeout to 1 s).
const pollBlock = 2 * time.Second

// listen prints each new entry of the stream as it arrives.
func listen(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := cli.Flags("listen", "go run ./02-xread-block listen [-n N] [-ready FILE]",
		"Prints each new entry of "+stream+" as it arrives, until Ctrl-C. It deletes nothing.\n"+
			"Add entries from another terminal: go run ./02-xread-block publish user-a hi user-b hello", stderr)
	n := flags.Int("n", 0, "stop after `N` entries (0: run until Ctrl-C)")
	ready := flags.String("ready", "", "create `FILE` just before the first blocking read (for tests)")
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	client, err := connect(ctx, getenv, stdout, "")
	if err != nil {
		return err
	}
	defer client.Close()

	rediscli.Step(stdout, "Listening for new entries on %s (Ctrl-C stops)", stream)
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
	rediscli.Say(stdout, "Start after %s, the newest entry: what $ means right now. Each read then starts after the last ID received.", id)
	rediscli.Say(stdout, "Each read waits at most %d ms, so that Ctrl-C is noticed: go-redis does not interrupt a blocking read.", pollBlock.Milliseconds())
	if *ready != "" {
		if err := os.WriteFile(*ready, nil, 0o644); err != nil {
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
				rediscli.Say(stdout, "got %s: %s", m.ID, fields(m))
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
	rediscli.Say(stdout, "Stopped. Entries shown: %d.", received)
	return nil
}

// publish adds one entry, with the fields and values given as arguments.
func publish(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := cli.Flags("publish", "go run ./02-xread-block publish [FIELD VALUE]...",
		"Adds one entry to "+stream+". Without arguments: user-a hi user-b hello.", stderr)
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	values := flags.Args()
	if len(values) == 0 {
		values = []string{"user-a", "hi", "user-b", "hello"}
	}
	if len(values)%2 != 0 {
		fmt.Fprint(stderr, "publish: fields and values go in pairs: FIELD VALUE [FIELD VALUE]...\n\n")
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
		rediscli.Say(stdout, "A listener in another terminal prints this entry now.")
	}
	return err
}
