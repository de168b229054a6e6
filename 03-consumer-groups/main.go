// Lesson 03: share a stream among consumers with a consumer group.
//
// With XREAD every reader sees every entry. A consumer group hands each entry
// to one consumer of the group, keeps a list of the entries delivered but not
// yet acknowledged (the pending entries list), and lets another consumer take
// over the entries of a consumer that died.
//
// One program plays both consumers here, by name. In a real system each
// consumer is its own process: an instance of a service.
package main

import (
	"context"
	"io"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/cli"
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

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := cli.Flags("03-consumer-groups", "go run ./03-consumer-groups",
		"Lesson 03: XGROUP CREATE (MKSTREAM, BUSYGROUP), XREADGROUP with >, XACK, XPENDING, XAUTOCLAIM\n"+
			"and NOACK, with the group "+group+" on the stream "+stream+".\n"+
			"It deletes "+stream+" first, so every run tells the same story. It takes a little over 1 s.\n"+
			"REDIS_URL names the server (default "+redisconn.DefaultAddr+").", stderr)
	if err := cli.Parse(flags, args); err != nil {
		return err
	}

	client, _, err := redisconn.Connect(ctx, getenv, redisconn.Redis70)
	if err != nil {
		return err
	}
	defer client.Close()
	client.AddHook(rediscli.Echo{W: stdout}) // print every command and its reply

	rediscli.Step(stdout, "Start from an empty stream")
	client.Del(ctx, stream)
	rediscli.Say(stdout, "This lesson owns %s: deleting the key deletes its groups too, so each run starts the same way.", stream)

	rediscli.Step(stdout, "XGROUP CREATE needs the stream to exist")
	client.XGroupCreate(ctx, stream, group, "$")
	rediscli.Say(stdout, "The tutorial's command works on a stream that has entries already. This one does not exist yet.")

	rediscli.Step(stdout, "MKSTREAM creates an empty stream along with the group")
	client.XGroupCreateMkStream(ctx, stream, group, "$")
	rediscli.Say(stdout, "$ means: deliver only the entries added from now on (0 would deliver the whole stream).")
	rediscli.Say(stdout, "A service creates its group like this when it starts, even before any producer has written.")

	rediscli.Step(stdout, "Creating the group again: BUSYGROUP")
	client.XGroupCreateMkStream(ctx, stream, group, "$")
	rediscli.Say(stdout, "A restarted service gets this error every time it starts. It means the group is there: treat it as success.")

	rediscli.Step(stdout, "Three entries arrive")
	client.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []string{"user-a", "hi", "user-b", "hello"}})
	client.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []string{"user-a", "how are you?"}})
	client.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []string{"user-b", "fine, thanks"}})
	rediscli.Say(stdout, "A producer writes as in lesson 01: XADD knows nothing of groups or consumers.")

	rediscli.Step(stdout, "Two consumers of %s read with >", group)
	first := readOne(ctx, client, "consumer-1", noBlock)
	second := readOne(ctx, client, "consumer-2", noBlock)
	rediscli.Say(stdout, "consumer-1 got %s and consumer-2 got %s: in a group, each entry goes to one consumer.", first, second)
	rediscli.Say(stdout, "> means: entries this group has never delivered. The group remembers how far it got.")

	rediscli.Step(stdout, "XPENDING: delivered, not acknowledged yet")
	client.XPending(ctx, stream, group)
	rediscli.Say(stdout, "Two pending entries, the lowest and highest ID, and how many each consumer holds.")

	rediscli.Step(stdout, "consumer-1 processes its entry, then acknowledges it with XACK")
	client.XAck(ctx, stream, group, first)
	rediscli.Say(stdout, "(integer) 1: one entry acknowledged, and out of the pending list.")
	rediscli.Say(stdout, "Acknowledge after the work is done: if the consumer dies before, the entry stays pending for someone else.")

	rediscli.Step(stdout, "consumer-2 dies before its XACK")
	pendingDetail(ctx, client)
	rediscli.Say(stdout, "Each row: entry ID, its consumer, milliseconds since delivery, number of deliveries.")
	rediscli.Say(stdout, "%s waits for consumer-2, which is not coming back.", second)

	rediscli.Step(stdout, "consumer-1 carries on")
	third := readOne(ctx, client, "consumer-1", noBlock)
	client.XAck(ctx, stream, group, third)
	readOne(ctx, client, "consumer-1", minIdle)
	rediscli.Say(stdout, "consumer-1 got and acknowledged the third entry, then waited %d ms for more: (nil).", minIdle.Milliseconds())
	rediscli.Say(stdout, "> never hands out an entry that is pending with another consumer: %s is stuck with consumer-2.", second)

	rediscli.Step(stdout, "XAUTOCLAIM: consumer-1 takes over entries idle for %d ms or more", minIdle.Milliseconds())
	claimed, _, _ := client.XAutoClaim(ctx, &redis.XAutoClaimArgs{
		Stream: stream, Group: group, Consumer: "consumer-1", MinIdle: minIdle, Start: "0-0", Count: 10,
	}).Result()
	rediscli.Say(stdout, "The reply: where the next scan starts (0-0: done), the entries claimed, and the IDs it found deleted.")
	pendingDetail(ctx, client)
	rediscli.Say(stdout, "%s is consumer-1's now, with 2 deliveries: a consumer can use that count to spot an entry that keeps failing.", second)
	for _, m := range claimed {
		client.XAck(ctx, stream, group, m.ID)
	}
	rediscli.Say(stdout, "consumer-1 processed it and acknowledged it. A service runs XAUTOCLAIM on a timer, so no entry stays stuck.")

	rediscli.Step(stdout, "Nothing is pending")
	client.XPending(ctx, stream, group)
	rediscli.Say(stdout, "All three entries are acknowledged, the one consumer-2 died holding included.")
	rediscli.Say(stdout, "consumer-2 may have done part of its work before it died: processing must cope with doing an entry twice.")

	rediscli.Step(stdout, "NOACK, as the tutorial's Spring services read: nothing to recover")
	rediscli.Say(stdout, "consumer-2 comes back and reads as the tutorial's RedisStreamConfig does, with receiveAutoAck.")
	client.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []string{"user-a", "are you there?"}})
	client.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: group, Consumer: "consumer-2", Streams: []string{stream, ">"}, Count: 1, Block: noBlock, NoAck: true,
	})
	err = client.XPending(ctx, stream, group).Err()
	rediscli.Say(stdout, "Spring's receiveAutoAck reads with NOACK: the entry counts as acknowledged the moment it is delivered.")
	rediscli.Say(stdout, "Nothing enters the pending list. If consumer-2 dies before it has processed this entry, no XAUTOCLAIM")
	rediscli.Say(stdout, "can find it: the event is lost. The services of this course acknowledge after processing instead.")
	return err
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
