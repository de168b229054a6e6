package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/consumer"
	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/testkit"
)

// loseReply is a go-redis hook that runs the first pipeline matching
// lose on the server, then reports its reply lost, as a connection cut
// after Redis ran the commands would; or, with unsent, fails it without
// sending it, as a connection cut before would.
type loseReply struct {
	lose   func([]redis.Cmder) bool
	unsent bool
	lost   atomic.Int64
}

func (h *loseReply) DialHook(next redis.DialHook) redis.DialHook          { return next }
func (h *loseReply) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }
func (h *loseReply) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if h.unsent && h.lose(cmds) && h.lost.Add(1) == 1 {
			return io.ErrUnexpectedEOF
		}
		err := next(ctx, cmds)
		ran := err == nil || errors.Is(err, redis.Nil) // Nil: a command's reply was nil
		if !h.unsent && ran && h.lose(cmds) && h.lost.Add(1) == 1 {
			return io.ErrUnexpectedEOF
		}
		return err
	}
}

// TestLostReplyResendsNothing: one lost reply, to the claims or to the
// pipeline that records "sent" and acks, in a batch of 300 mails, costs no
// mail sent twice: the step is retried, not the batch. So does a pipeline
// that never reached Redis. An order event written twice in one batch is
// mailed once.
func TestLostReplyResendsNothing(t *testing.T) {
	argsHave := func(cmd redis.Cmder, word string) bool {
		return strings.Contains(strings.ToLower(fmt.Sprint(cmd.Args())), word)
	}
	sentAndAck := func(cmds []redis.Cmder) bool {
		return argsHave(cmds[0], " sent ") && cmds[len(cmds)-1].Name() == "xack"
	}
	for _, tc := range []struct {
		name   string
		lose   func([]redis.Cmder) bool
		unsent bool
	}{
		{"claims", func(cmds []redis.Cmder) bool { return argsHave(cmds[0], " nx") }, false},
		{"claims, unsent", func(cmds []redis.Cmder) bool { return argsHave(cmds[0], " nx") }, true},
		{"sent records and ack", sentAndAck, false},
		{"sent records and ack, unsent", sentAndAck, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rdb := testkit.StartT(t).Client()
			ctx := context.Background()
			for i := 1; i <= 300; i++ {
				o := events.Order{OrderID: fmt.Sprint("o", i), UserID: "u", ProductID: "p", Price: "10"}
				rdb.XAdd(ctx, &redis.XAddArgs{Stream: events.OrderStream, Values: o.Fields()})
				if i == 42 { // o42, written twice
					rdb.XAdd(ctx, &redis.XAddArgs{Stream: events.OrderStream, Values: o.Fields()})
				}
			}
			hook := &loseReply{lose: tc.lose, unsent: tc.unsent}
			rdb.AddHook(hook)
			var out strings.Builder
			n := &notifier{rdb: rdb, out: cli.NewLines(&out)}
			runUntilAcked(t, rdb, n.mail)

			if hook.lost.Load() == 0 {
				t.Fatal("no reply was lost: the test did not test anything")
			}
			if lines := strings.Count(out.String(), "(mail sent)"); lines != 300 {
				t.Errorf("%d mails printed for 300 orders, want 300", lines)
			}
			if strings.Contains(out.String(), "duplicate possible") {
				t.Errorf("a mail was marked as a possible duplicate after a lost reply of our own")
			}
			if got := n.duplicates.Load(); got != 1 {
				t.Errorf("%d duplicates dropped, want 1 (o42 twice in the batch)", got)
			}
			for _, id := range []string{"mail:o1", "mail:o42", "mail:o300"} {
				if got := rdb.Get(ctx, "notification:"+id).Val(); got != sent {
					t.Errorf("notification:%s holds %q, want %q", id, got, sent)
				}
			}
		})
	}
}

// groupRead is the ID of the last entry the group read.
func groupRead(ctx context.Context, rdb *redis.Client) string {
	groups, err := rdb.XInfoGroups(ctx, events.OrderStream).Result()
	if err != nil || len(groups) != 1 {
		return ""
	}
	return groups[0].LastDeliveredID
}

// runUntilAcked runs a consumer of order-events with handler, in batches of
// 500, until the group has read and acked every entry (10 s at most).
func runUntilAcked(t *testing.T, rdb *redis.Client, handler consumer.Handler) {
	t.Helper()
	c, err := consumer.New(rdb, consumer.Config{Stream: events.OrderStream, Group: events.NotificationGroup,
		Consumer: "c1", Count: 500, Handler: handler, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); c.Run(ctx) }()
	defer func() { stop(); <-done }()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		pending, _ := rdb.XPending(ctx, events.OrderStream, events.NotificationGroup).Result()
		last, _ := rdb.XRevRangeN(ctx, events.OrderStream, "+", "-", 1).Result()
		if pending != nil && pending.Count == 0 && len(last) == 1 && groupRead(ctx, rdb) == last[0].ID {
			return
		}
	}
	t.Fatal("the group did not read and ack every entry within 10 s")
}

func message(id string, fields []string) consumer.Message {
	values := map[string]any{}
	for ; len(fields) > 1; fields = fields[2:] {
		values[fields[0]] = fields[1]
	}
	return consumer.Message{XMessage: redis.XMessage{ID: id, Values: values}, Deliveries: 1}
}
