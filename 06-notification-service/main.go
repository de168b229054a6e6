// Notification service: reads order-events and payment-events as members of
// notification-service-group, "mails" the user for each order and "texts" them
// for each payment (here: a line on stdout).
//
// As in the tutorial, one group consumes two streams, with a listener for
// each. Unlike it, entries are acked after the notification is sent: at
// least once, never lost. Each notification carries a stable ID, and a
// redelivered event is not notified twice, except after a cut-off attempt,
// which the line says.
package main

import (
	"context"
	_ "embed"
	"io"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/consumer"
	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/metrics"
	"github.com/streams-workshop/kit/redisconn"
	"github.com/streams-workshop/kit/tracing"
)

// defaultPort is the Spring NotificationService's port.
const defaultPort = "8082"

func main() { cli.Main("notification-service", run) }

// help is what -h prints, in English and in Korean (-lang ko or a Korean
// LANG): help.en.txt and help.ko.txt, filled in with the same values.
func help() (english, korean string) {
	envEN, envKO := consumer.EnvHelp(defaultPort)
	values := map[string]any{"Orders": events.OrderStream, "Payments": events.PaymentStream, "Group": events.NotificationGroup}
	values["Env"] = envEN
	english = cli.RenderHelp(helpEN, values)
	values["Env"] = envKO
	korean = cli.RenderHelp(helpKO, values)
	return english, korean
}

var (
	//go:embed help.en.txt
	helpEN string
	//go:embed help.ko.txt
	helpKO string
)

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	english, korean := help()
	flags := cli.FlagsInTwoLanguages("notification-service", "go run ./06-notification-service [-lang ko]", english, korean, stderr)
	if err := cli.ParseService(flags, args, stdout); err != nil {
		return err
	}
	log, err := cli.Logger(stderr, "notification-service", getenv)
	if err != nil {
		return err
	}
	settings, err := consumer.SettingsFromEnv(getenv, defaultPort)
	if err != nil {
		return err
	}

	// Redis is waited for once the probes are served (start, below): under an
	// orchestrator the service may start before its Redis.
	rdb, target, err := redisconn.Client(getenv)
	if err != nil {
		return err
	}
	defer redisconn.Close(rdb)
	stopTracing, err := tracing.Start(getenv, "notification-service", stderr, log, rdb) // off unless OTEL_* variables ask
	if err != nil {
		return err
	}
	defer stopTracing() // flushes the last spans
	log.Info("starting", "redis", target.String(), "consumer", settings.Consumer)

	n := &notifier{rdb: rdb, out: cli.EventLines(stdout, "notification-service", getenv)}
	orders, err := consumer.New(rdb, settings.Config(events.OrderStream, events.NotificationGroup, n.mail, log))
	if err != nil {
		return err
	}
	payments, err := consumer.New(rdb, settings.Config(events.PaymentStream, events.NotificationGroup, n.sms, log))
	if err != nil {
		return err
	}
	reg := metrics.NewRegistry(rdb)
	reg.MustRegister(n.collectors()...)
	start := consumer.WaitForRedis(rdb, target, getenv, log, reg, "the records of sent notifications: a mail or SMS could go out twice")
	return consumer.Serve(ctx, rdb, settings, log, reg, n.stats, start, orders, payments)
}
