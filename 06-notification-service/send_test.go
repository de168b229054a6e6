package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/consumer"
	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/testkit"
)

// loseReply is a go-redis hook that runs the first pipeline matching
// lose on the server, then reports its reply lost, as a connection cut
// after Redis ran the commands would.
type loseReply struct {
	lose func([]redis.Cmder) bool
	lost atomic.Int64
}

func (h *loseReply) DialHook(next redis.DialHook) redis.DialHook          { return next }
func (h *loseReply) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }
func (h *loseReply) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		if err == nil && h.lose(cmds) && h.lost.Add(1) == 1 {
			return io.ErrUnexpectedEOF
		}
		return err
	}
}

// TestLostReplyResendsNothing: one lost reply, to the claims or to the
// "sent" records of a batch of 300 mails, costs no mail sent twice: the step
// is retried, not the batch. An order event written twice in one batch is
// mailed once.
func TestLostReplyResendsNothing(t *testing.T) {
	for _, tc := range []struct {
		name string
		lose func([]redis.Cmder) bool
	}{
		{"claims", func(cmds []redis.Cmder) bool {
			return cmds[0].Name() == "setnx" || strings.Contains(fmt.Sprint(cmds[0].Args()), " nx")
		}},
		{"sent records", func(cmds []redis.Cmder) bool { return strings.Contains(fmt.Sprint(cmds[0].Args()), " sent ") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rdb := testkit.StartT(t).Client()
			hook := &loseReply{lose: tc.lose}
			rdb.AddHook(hook)
			var out strings.Builder
			n := &notifier{rdb: rdb, out: cli.NewLines(&out)}
			var batch []consumer.Message
			for i := 1; i <= 300; i++ {
				o := events.Order{OrderID: fmt.Sprint("o", i), UserID: "u", ProductID: "p", Price: "10"}
				batch = append(batch, message(fmt.Sprint("1-", i), o.Fields()))
			}
			batch = append(batch, batch[41]) // o42, written twice
			for try := 1; ; try++ {
				_, err := n.mail(context.Background(), batch)
				if err == nil {
					break
				}
				if try == 3 {
					t.Fatalf("the handler failed %d times, last with %v: the consumer would redo the whole batch", try, err)
				}
			}
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
		})
	}
}

func message(id string, fields []string) consumer.Message {
	values := map[string]any{}
	for ; len(fields) > 1; fields = fields[2:] {
		values[fields[0]] = fields[1]
	}
	return consumer.Message{XMessage: redis.XMessage{ID: id, Values: values}, Deliveries: 1}
}
