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
	_ "embed"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/lang"
	"github.com/streams-workshop/kit/redisconn"
)

// help is what -h prints, in English and in Korean (-lang ko or a Korean
// LANG): help.en.txt and help.ko.txt, filled in with the same values.
func help() (english, korean string) {
	values := map[string]any{
		"Orders": events.OrderStream, "Payments": events.PaymentStream,
		"Addr": defaultWebAddr, "Redis": redisconn.DefaultAddr,
	}
	trim := func(s string) string { return strings.TrimRight(s, "\n") }
	return trim(cli.RenderHelp(helpEN, values)), trim(cli.RenderHelp(helpKO, values))
}

var (
	//go:embed help.en.txt
	helpEN string
	//go:embed help.ko.txt
	helpKO string
)

func main() { cli.Main("inspect", run) }

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	english, korean := help()
	flags := cli.FlagsInTwoLanguages("inspect", "go run ./scripts/inspect [-watch] [-order ID [-max N]] [-web [ADDR]] [-lang ko]", english, korean, stderr)
	watch := flags.Bool("watch", false, lang.Both("show it again every second, until Ctrl-C",
		"매초 다시 보여 준다. Ctrl-C로 멈춘다"))
	times := flags.Int("n", 0, lang.Both("with -watch, stop after this many times (0: until Ctrl-C)",
		"-watch와 함께, 이만큼 보여 주고 멈춘다(0: Ctrl-C까지)"))
	orderID := flags.String("order", "", lang.Both("follow one order, by orderId or entry `ID`, across the streams",
		"주문 하나를 orderId나 엔트리 `ID`로 모든 스트림에서 따라간다"))
	maxScan := flags.Int64("max", 100_000, lang.Both("with -order or -web, read at most `N` entries of each stream, newest first",
		"-order나 -web과 함께, 스트림마다 최신 엔트리부터 최대 `N`개를 읽는다"))
	var web webFlag
	flags.Var(&web, "web", lang.Both("serve a live web page, on `ADDR` if given (default "+defaultWebAddr+")",
		"실시간 웹 페이지를 `ADDR`에서(주지 않으면 "+defaultWebAddr+") 보여 준다"))
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
				return fmt.Errorf(lang.Pick("order %s not found", "주문을 찾지 못했다: %s"), t.OrderID)
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
