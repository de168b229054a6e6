// Notification service: reads order-events and payment-events as members of
// notification-service-group, "mails" the user for each order and "texts" them
// for each payment (here: a line on stdout).
//
// As in the tutorial, one group consumes two streams, with a listener for
// each. Unlike it, entries are acked after the notification is sent, and a
// redelivered event does not notify twice.
package main

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/fatih/color"
	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/consumer"
	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/redisconn"
)

// sentTTL is how long a sent notification is remembered, to drop duplicates.
// It only has to outlast redeliveries, which happen within minutes.
const sentTTL = 7 * 24 * time.Hour

var (
	mailColor = color.New(color.FgCyan)
	smsColor  = color.New(color.FgMagenta)
)

func main() { cli.Main("notification-service", run) }

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := cli.Flags("notification-service", "go run ./06-notification-service",
		"Reads "+events.OrderStream+" and "+events.PaymentStream+" as group "+events.NotificationGroup+",\n"+
			"and sends a mail for each order and an SMS for each payment (printed on stdout).\n\n"+
			"Environment:\n"+consumer.EnvHelp("8082"), stderr)
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	settings, err := consumer.SettingsFromEnv(getenv, "8082")
	if err != nil {
		return err
	}

	log := slog.New(slog.NewTextHandler(stderr, nil)).With("service", "notification-service")
	rdb, target, err := redisconn.Connect(ctx, getenv, redisconn.Redis70)
	if err != nil {
		return err
	}
	defer rdb.Close()
	log.Info("starting", "redis", target.String(), "consumer", settings.Consumer)

	n := &notifier{rdb: rdb, stdout: stdout}
	orders, err := consumer.New(rdb, settings.Config(events.OrderStream, events.NotificationGroup, n.mail, log))
	if err != nil {
		return err
	}
	payments, err := consumer.New(rdb, settings.Config(events.PaymentStream, events.NotificationGroup, n.sms, log))
	if err != nil {
		return err
	}
	return consumer.Serve(ctx, rdb, settings, log, n.stats, orders, payments)
}

// notifier sends notifications, each at most once.
type notifier struct {
	rdb    redis.UniversalClient
	stdout io.Writer

	mails      atomic.Int64
	texts      atomic.Int64
	duplicates atomic.Int64
}

// notification is one message to send, keyed so that it is sent once.
type notification struct {
	key  string // "notification:mail:<orderId>", for example
	send func()
}

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
		todo = append(todo, notification{
			key: "notification:mail:" + order.OrderID,
			send: func() {
				n.mails.Add(1)
				// One write per line: the two consumers print at the same time.
				io.WriteString(n.stdout, mailColor.Sprintf("[Order consumed] userId: %s   productId: %s   orderId: %s (mail sent)",
					order.UserID, order.ProductID, order.OrderID)+"\n")
			},
		})
	}
	return result, n.sendOnce(ctx, todo)
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
		todo = append(todo, notification{
			key: "notification:sms:" + payment.OrderID,
			send: func() {
				n.texts.Add(1)
				io.WriteString(n.stdout, smsColor.Sprintf("[Payment consumed] userId: %s   paymentProcessId: %s   orderId: %s (SMS sent)",
					payment.UserID, payment.PaymentProcessID, payment.OrderID)+"\n")
			},
		})
	}
	return result, n.sendOnce(ctx, todo)
}

// sendOnce claims each notification's key with SET NX, in one pipeline, and
// sends only those it claimed. The key is set before sending: if the process
// dies between the two, that one notification is lost rather than sent twice.
// (Exactly once to an outside system needs that system's help, such as an
// idempotency key on the mail or SMS provider's API.)
func (n *notifier) sendOnce(ctx context.Context, todo []notification) error {
	if len(todo) == 0 {
		return nil
	}
	claims := make([]*redis.BoolCmd, len(todo))
	_, err := n.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		for i, t := range todo {
			claims[i] = pipe.SetNX(ctx, t.key, "1", sentTTL)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, t := range todo {
		if claims[i].Val() {
			t.send()
		} else {
			n.duplicates.Add(1)
		}
	}
	return nil
}

// stats adds the notification counters to /stats.
func (n *notifier) stats() any {
	return map[string]int64{"mailsSent": n.mails.Load(), "smsSent": n.texts.Load(), "duplicatesDropped": n.duplicates.Load()}
}
