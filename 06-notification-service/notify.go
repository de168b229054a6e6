package main

import (
	"context"
	"crypto/rand"
	"errors"
	"sync/atomic"
	"time"

	"github.com/fatih/color"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/consumer"
	"github.com/streams-workshop/kit/events"
)

// sentTTL is how long a notification's state is kept, to drop duplicates.
// It only has to outlast redeliveries, which happen within minutes.
const sentTTL = 7 * 24 * time.Hour

var (
	mailColor = color.New(color.FgCyan)
	smsColor  = color.New(color.FgMagenta)
)

// notifier sends notifications, each at least once, and almost always once.
type notifier struct {
	rdb redis.UniversalClient
	out *cli.Lines // the two consumers print at the same time

	mails      atomic.Int64
	texts      atomic.Int64
	duplicates atomic.Int64 // not sent again: their key said "sent"
	resent     atomic.Int64 // sent again after an attempt was cut off: a duplicate is possible
}

// notification is one message to send.
type notification struct {
	// id is the notification's stable ID, "mail:<orderId>" for example. It is
	// on the line, for the mail or SMS provider to drop a duplicate.
	id   string
	send func(note string)
}

// A notification's key, notification:<id>, says how far it got (kept for sentTTL).
const (
	sending = "sending:" // then the attempt's token: claimed by that attempt, which may have been cut off before it sent
	sent    = "sent"     // sent
)

// mail sends one mail per order.
func (n *notifier) mail(ctx context.Context, batch []consumer.Message) (consumer.Result, error) {
	var result consumer.Result
	var todo []notification
	for _, m := range batch {
		order, err := events.ParseOrder(m.ID, m.Values)
		if err != nil {
			result.Reject(m.ID, "invalid order: "+err.Error())
			continue
		}
		id, traceparent := "mail:"+order.OrderID, m.Traceparent // "" with tracing off
		todo = append(todo, notification{id: id, send: func(note string) {
			n.mails.Add(1)
			// Fields from a stream are untrusted: each goes through Printable.
			userID, productID, orderID := events.Printable(order.UserID), events.Printable(order.ProductID), events.Printable(order.OrderID)
			n.out.PrintTracedEvent(traceparent, mailColor.Sprintf("[Order consumed] userId: %s   productId: %s   notificationId: %s%s   orderId: %s (mail sent)", userID, productID, events.Printable(id), note, orderID),
				"[Order consumed] mail sent"+note, "userId", userID, "productId", productID, "notificationId", events.Printable(id), "orderId", orderID)
		}})
	}
	var err error
	result.BeforeAck, err = n.send(ctx, todo)
	return result, err
}

// sms sends one text per payment.
func (n *notifier) sms(ctx context.Context, batch []consumer.Message) (consumer.Result, error) {
	var result consumer.Result
	var todo []notification
	for _, m := range batch {
		payment, err := events.ParsePayment(m.ID, m.Values)
		if err != nil {
			result.Reject(m.ID, "invalid payment: "+err.Error())
			continue
		}
		id, traceparent := "sms:"+payment.OrderID, m.Traceparent // "" with tracing off
		todo = append(todo, notification{id: id, send: func(note string) {
			n.texts.Add(1)
			userID, paymentID, orderID := events.Printable(payment.UserID), events.Printable(payment.PaymentProcessID), events.Printable(payment.OrderID)
			n.out.PrintTracedEvent(traceparent, smsColor.Sprintf("[Payment consumed] userId: %s   paymentProcessId: %s   notificationId: %s%s   orderId: %s (SMS sent)", userID, paymentID, events.Printable(id), note, orderID),
				"[Payment consumed] SMS sent"+note, "userId", userID, "paymentProcessId", paymentID, "notificationId", events.Printable(id), "orderId", orderID)
		}})
	}
	var err error
	result.BeforeAck, err = n.send(ctx, todo)
	return result, err
}

// send sends each notification at least once, in two steps per batch:
//
//  1. Claim each key with SET NX GET "sending:<token>", the token this
//     attempt's own: one command that sets the key if it is free and says
//     what it held. Nothing, or our token: ours to send. "sent": a duplicate
//     event, dropped. Another attempt's token: that attempt was cut off (it
//     died, or Redis lost its reply) and may or may not have sent it: send
//     again, and say on the line that a duplicate is possible. Skipping it
//     could lose it for good.
//  2. After sending, record "sent": Result.BeforeAck, in the round trip
//     that acks the batch.
//
// Both steps are idempotent, so a fault of Redis (a lost reply, a timeout)
// retries the step, not the batch: with the same token, a claim that went
// through before its reply was lost is still recognised as ours, and the
// notifications already sent are not sent again. A duplicate is rare and
// visible, and carries the same notification ID, so a provider drops it; a
// notification is never lost silently.
func (n *notifier) send(ctx context.Context, todo []notification) (markSent func(redis.Pipeliner), err error) {
	if len(todo) == 0 {
		return nil, nil
	}
	states, err := n.claim(ctx, todo)
	if err != nil {
		return nil, err
	}
	var done []string
	inBatch := map[string]bool{} // an event written twice may come twice in one batch
	for i, t := range todo {
		switch state := states[i]; {
		case inBatch[t.id]:
			n.duplicates.Add(1)
			continue
		case state == "":
			t.send("")
		case state == sent:
			n.duplicates.Add(1)
			continue
		default:
			n.resent.Add(1)
			t.send(" (duplicate possible)")
		}
		inBatch[t.id] = true
		done = append(done, t.id)
	}
	if len(done) == 0 {
		return nil, nil
	}
	return func(pipe redis.Pipeliner) {
		for _, id := range done {
			pipe.Set(ctx, "notification:"+id, sent, sentTTL)
		}
	}, nil
}

// claim claims each notification's key for this attempt, in one pipeline
// retried on a fault of Redis, and returns what each key held before: ""
// when it was free or held our own token.
func (n *notifier) claim(ctx context.Context, todo []notification) ([]string, error) {
	ours := sending + rand.Text()
	claims := make([]*redis.StatusCmd, len(todo))
	err := consumer.Retry(ctx, func() error {
		cmds, _ := n.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
			for i, t := range todo {
				claims[i] = pipe.SetArgs(ctx, "notification:"+t.id, ours, redis.SetArgs{Mode: "NX", Get: true, TTL: sentTTL})
			}
			return nil
		})
		for _, cmd := range cmds {
			if err := cmd.Err(); err != nil && !errors.Is(err, redis.Nil) { // Nil: the key was free
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	states := make([]string, len(todo))
	for i, c := range claims {
		if state := c.Val(); state != ours {
			states[i] = state
		}
	}
	return states, nil
}

// collectors are the notification counters for /metrics.
func (n *notifier) collectors() []prometheus.Collector {
	counter := func(name, help string, v *atomic.Int64, labels prometheus.Labels) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help, ConstLabels: labels},
			func() float64 { return float64(v.Load()) })
	}
	return []prometheus.Collector{
		counter("notifications_sent_total", "Notifications sent, by channel.", &n.mails, prometheus.Labels{"channel": "mail"}),
		counter("notifications_sent_total", "Notifications sent, by channel.", &n.texts, prometheus.Labels{"channel": "sms"}),
		counter("notifications_duplicates_dropped_total", "Notifications not sent again for an event delivered twice.", &n.duplicates, nil),
	}
}

// stats adds the notification counters to /stats.
func (n *notifier) stats() any {
	return map[string]int64{"mailsSent": n.mails.Load(), "smsSent": n.texts.Load(),
		"duplicatesDropped": n.duplicates.Load(), "sentAgainAfterCutOff": n.resent.Load()}
}
