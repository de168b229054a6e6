// Command inspect shows what is in the workshop's streams: each stream's
// length and first and last entry, each consumer group's pending entries and
// lag, each consumer's pending entries and idle time. With -order, it follows
// one order through order-events, payment-events and the dead-letter streams.
//
//	go run ./scripts/inspect              the streams, groups and consumers
//	go run ./scripts/inspect -watch       the same, every second, until Ctrl-C
//	go run ./scripts/inspect -order ID    one order, entry by entry
//	go run ./scripts/inspect -web         all of it live in a browser, at http://127.0.0.1:8090
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/lang"
	"github.com/streams-workshop/kit/redisconn"
)

const help = `Shows the streams ` + events.OrderStream + ` and ` + events.PaymentStream + ` and the dead-letter streams
(<stream>:dlq:<group>): their length, first and last entry ID; their consumer
groups: consumers, pending entries, last delivered ID, entries read and lag;
and each consumer's pending entries and idle time.

A number the server does not know, or that the embedded Redis (miniredis)
would get wrong, shows as n/a.

With -order ID it lists every entry about that order (by its orderId, or by
its entry ID for an order from the Spring service), in time order, with the
time from its entry ID and what each group did with it: not delivered yet,
pending, or acked.

With -web it serves the same, live, as a web page for the class to watch:
the services around the two streams, the newest entries, the groups'
consumers and pending entries, the dead letters, and a search for one order.
It listens on ` + defaultWebAddr + ` (this computer only) unless given an
address, such as -web 0.0.0.0:8090 to let others on the network look. The
page speaks the browser's language; -lang ko or -lang en sets it for all.

Redis: REDIS_URL (default ` + redisconn.DefaultAddr + `).`

func main() { cli.Main("inspect", run) }

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := cli.Flags("inspect", "go run ./scripts/inspect [-watch] [-order ID [-max N]] [-web [ADDR] [-lang ko]]", help, stderr)
	watch := flags.Bool("watch", false, "show it again every second, until Ctrl-C")
	times := flags.Int("n", 0, "with -watch, stop after this many times (0: until Ctrl-C)")
	orderID := flags.String("order", "", "follow one order, by orderId or entry ID, across the streams")
	maxScan := flags.Int64("max", 100_000, "with -order or -web, read at most this many entries of each stream, newest first")
	var web webFlag
	flags.Var(&web, "web", "serve a live web page, on ADDR if given (default "+defaultWebAddr+")")
	lang.Flag(flags)
	if err := cli.Parse(flags, webAddrArg(args)); err != nil {
		return err
	}
	if flags.NArg() > 0 || *times < 0 || *maxScan < 1 {
		flags.Usage()
		return cli.ErrUsage
	}
	if web.addr != "" {
		// The page speaks the browser's language, unless -lang says otherwise.
		pageLang := ""
		flags.Visit(func(f *flag.Flag) {
			if f.Name == "lang" {
				pageLang = lang.Current()
			}
		})
		return serveWeb(ctx, getenv, stdout, stderr, webOptions{addr: web.addr, lang: pageLang, maxScan: *maxScan})
	}

	rdb, target, err := redisconn.Connect(ctx, getenv, redisconn.Redis62)
	if err != nil {
		return err
	}
	defer rdb.Close()

	show := func(w io.Writer) error {
		srv, err := readServer(ctx, rdb)
		if err != nil {
			return err
		}
		if *orderID != "" {
			t, err := traceOrder(ctx, rdb, srv, *orderID, *maxScan)
			if err != nil {
				return err
			}
			writeTrace(w, t)
			if len(t.Entries) == 0 {
				return fmt.Errorf("order %s not found", t.OrderID)
			}
			return nil
		}
		return showState(ctx, w, rdb, srv, target.String())
	}
	if !*watch {
		return show(stdout)
	}
	return watchLoop(ctx, stdout, show, *times)
}

func showState(ctx context.Context, w io.Writer, rdb redis.UniversalClient, srv server, where string) error {
	streams, err := readAll(ctx, rdb, srv)
	if err != nil {
		return err
	}
	writeState(w, where, srv, streams, time.Now())
	return nil
}

// watchLoop shows the state every second. On a terminal it clears the screen
// first; elsewhere (a file, a test) it separates the views with a line.
func watchLoop(ctx context.Context, stdout io.Writer, show func(io.Writer) error, times int) error {
	clearScreen := cli.IsTerminal(stdout)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for i := 1; ; i++ {
		// Draw into a buffer, then clear and print at once: no flicker.
		var view bytes.Buffer
		if err := show(&view); err != nil {
			// Redis down, or the order not there yet: say so, keep watching.
			deadColor.Fprintf(&view, "%v\n", err)
		}
		if clearScreen {
			fmt.Fprint(stdout, "\x1b[H\x1b[2J")
		} else if i > 1 {
			fmt.Fprintln(stdout, "---")
		}
		stdout.Write(view.Bytes())
		if times > 0 && i >= times {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}
