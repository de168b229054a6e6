// Package rediscli shows go-redis commands the way redis-cli would.
//
// The lessons add Echo as a hook on their client. Every command the lesson
// sends is then printed in its redis-cli form, followed by the reply as
// redis-cli prints it, so learners can match the Go code to the commands of
// the tutorial:
//
//	> XADD user-notifications * user-a hi user-b hello
//	"1672992918152-0"
package rediscli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fatih/color"
	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/lang"
)

var (
	promptColor = color.New(color.FgCyan, color.Bold)
	replyColor  = color.New(color.FgGreen)
	errorColor  = color.New(color.FgRed)
	stepColor   = color.New(color.FgYellow, color.Bold)
	noteColor   = color.New(color.Faint)
)

// Echo is a go-redis hook that prints each command and its reply to W.
//
// Prefix, when set, starts every line it prints, to tell apart clients that
// share W (a listener and a publisher in one program). Each command, and each
// reply, goes to W in one Write, so lines from such clients do not mix.
type Echo struct {
	W      io.Writer
	Prefix string
}

var _ redis.Hook = Echo{}

func (e Echo) DialHook(next redis.DialHook) redis.DialHook { return next }

func (e Echo) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if isHandshake(cmd) {
			return next(ctx, cmd)
		}
		e.print(func(w io.Writer) { promptColor.Fprintln(w, "> "+Command(cmd.Args())) })
		err := next(ctx, cmd)
		if err != nil && cmd.Err() == nil {
			cmd.SetErr(err)
		}
		e.print(func(w io.Writer) { Reply(w, cmd) })
		return err
	}
}

func (e Echo) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		for _, cmd := range cmds {
			e.print(func(w io.Writer) {
				promptColor.Fprintln(w, "> "+Command(cmd.Args()))
				Reply(w, cmd)
			})
		}
		return err
	}
}

// print renders into a buffer, puts Prefix before each line, and writes the
// whole at once.
func (e Echo) print(render func(w io.Writer)) {
	var b bytes.Buffer
	render(&b)
	out := b.Bytes()
	if e.Prefix != "" {
		lines := bytes.SplitAfter(out, []byte("\n"))
		out = nil
		for _, line := range lines {
			if len(line) > 0 {
				out = append(append(out, e.Prefix...), line...)
			}
		}
	}
	e.W.Write(out)
}

// isHandshake hides the commands go-redis sends on its own when it connects.
func isHandshake(cmd redis.Cmder) bool {
	switch cmd.Name() {
	case "hello", "auth", "select", "client":
		return true
	}
	return false
}

// keywords are the go-redis argument literals that redis-cli users type in capitals.
var keywords = map[string]bool{
	"count": true, "block": true, "streams": true, "group": true, "maxlen": true,
	"minid": true, "create": true, "mkstream": true, "justid": true, "idle": true,
	"noack": true, "entriesread": true, "destroy": true, "setid": true,
	"createconsumer": true, "delconsumer": true, "consumers": true, "groups": true,
	"stream": true, "limit": true, "nomkstream": true, "full": true,
}

// Command renders a command's arguments as you would type them in redis-cli.
func Command(args []any) string {
	parts := make([]string, len(args))
	for i, arg := range args {
		s := argString(arg)
		if i == 0 || (i == 1 && len(args) > 2 && isContainerCommand(args[0])) || keywords[s] {
			s = strings.ToUpper(s)
		}
		parts[i] = quote(s)
	}
	return strings.Join(parts, " ")
}

// isContainerCommand is true for commands whose second word is a subcommand.
func isContainerCommand(first any) bool {
	switch strings.ToLower(argString(first)) {
	case "xgroup", "xinfo", "config", "client":
		return true
	}
	return false
}

func argString(arg any) string {
	switch v := arg.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	case time.Duration:
		return strconv.FormatInt(v.Milliseconds(), 10)
	default:
		return fmt.Sprint(v)
	}
}

// quote wraps an argument in double quotes when redis-cli would need them.
func quote(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\n\"'\\") {
		return strconv.Quote(s)
	}
	return s
}

// Reply prints a command's reply as redis-cli would.
func Reply(w io.Writer, cmd redis.Cmder) {
	if err := cmd.Err(); err != nil {
		if errors.Is(err, redis.Nil) {
			replyColor.Fprintln(w, "(nil)")
			return
		}
		errorColor.Fprintln(w, "(error) "+err.Error())
		return
	}
	replyColor.Fprint(w, Format(Value(cmd)))
}

// Value turns a go-redis reply into plain values: string, int64, nil, error,
// or []any for an array. Field maps are sorted by field name, because go-redis
// returns them as Go maps and Go maps have no order.
func Value(cmd redis.Cmder) any {
	switch c := cmd.(type) {
	case *redis.StatusCmd:
		return status(c.Val())
	case *redis.StringCmd:
		return c.Val()
	case *redis.IntCmd:
		return c.Val()
	case *redis.BoolCmd:
		if c.Val() {
			return int64(1)
		}
		return int64(0)
	case *redis.XMessageSliceCmd:
		return messages(c.Val())
	case *redis.XStreamSliceCmd:
		var out []any
		for _, s := range c.Val() {
			out = append(out, []any{s.Stream, messages(s.Messages)})
		}
		return out
	case *redis.XPendingCmd:
		return pendingSummary(c.Val())
	case *redis.XPendingExtCmd:
		var out []any
		for _, p := range c.Val() {
			out = append(out, []any{p.ID, p.Consumer, p.Idle.Milliseconds(), p.RetryCount})
		}
		return out
	case *redis.XAutoClaimCmd:
		msgs, start := c.Val()
		return []any{start, messages(msgs), []any{}}
	case *redis.XAutoClaimJustIDCmd:
		ids, start := c.Val()
		var out []any
		for _, id := range ids {
			out = append(out, id)
		}
		return []any{start, out, []any{}}
	case *redis.Cmd:
		return c.Val()
	default:
		return cmd.String()
	}
}

type status string

// pendingSummary is the reply of XPENDING without a range: the count, the
// lowest and highest IDs, and each consumer's count, by consumer name.
func pendingSummary(p *redis.XPending) any {
	if p == nil {
		return []any{int64(0), nil, nil, nil}
	}
	// redis-cli shows (nil), not an empty array, when nothing is pending.
	var consumers any
	if len(p.Consumers) > 0 {
		names := make([]string, 0, len(p.Consumers))
		for name := range p.Consumers {
			names = append(names, name)
		}
		sort.Strings(names)
		rows := make([]any, 0, len(names))
		for _, name := range names {
			rows = append(rows, []any{name, strconv.FormatInt(p.Consumers[name], 10)})
		}
		consumers = rows
	}
	return []any{p.Count, nilIfEmpty(p.Lower), nilIfEmpty(p.Higher), consumers}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func messages(msgs []redis.XMessage) []any {
	out := make([]any, 0, len(msgs))
	for _, m := range msgs {
		fields := make([]string, 0, len(m.Values))
		for k := range m.Values {
			fields = append(fields, k)
		}
		sort.Strings(fields)
		var kv []any
		for _, k := range fields {
			kv = append(kv, k, fmt.Sprint(m.Values[k]))
		}
		out = append(out, []any{m.ID, kv})
	}
	return out
}

// Format renders a value in redis-cli's layout, ending with a newline.
func Format(v any) string {
	var b strings.Builder
	format(&b, v, 0)
	return b.String()
}

func format(b *strings.Builder, v any, indent int) {
	switch x := v.(type) {
	case nil:
		b.WriteString("(nil)\n")
	case status:
		b.WriteString(string(x) + "\n")
	case string:
		b.WriteString(strconv.Quote(x) + "\n")
	case int64:
		b.WriteString("(integer) " + strconv.FormatInt(x, 10) + "\n")
	case int:
		b.WriteString("(integer) " + strconv.Itoa(x) + "\n")
	case error:
		b.WriteString("(error) " + x.Error() + "\n")
	case []any:
		if len(x) == 0 {
			b.WriteString("(empty array)\n")
			return
		}
		width := len(strconv.Itoa(len(x)))
		for i, item := range x {
			if i > 0 {
				b.WriteString(strings.Repeat(" ", indent))
			}
			label := fmt.Sprintf("%*d) ", width, i+1)
			b.WriteString(label)
			format(b, item, indent+len(label))
		}
	case []string:
		items := make([]any, len(x))
		for i, s := range x {
			items[i] = s
		}
		format(b, items, indent)
	case map[any]any: // a RESP3 map from client.Do
		keys := make([]string, 0, len(x))
		byKey := map[string]any{}
		for k, val := range x {
			ks := fmt.Sprint(k)
			keys = append(keys, ks)
			byKey[ks] = val
		}
		sort.Strings(keys)
		var flat []any
		for _, k := range keys {
			flat = append(flat, k, byKey[k])
		}
		format(b, flat, indent)
	default:
		b.WriteString(fmt.Sprint(x) + "\n")
	}
}

// Step prints a heading for the next part of a lesson, in the learner's
// language (kit/lang): en and ko are the same format in English and Korean.
func Step(w io.Writer, en, ko string, args ...any) {
	fmt.Fprintln(w)
	stepColor.Fprintf(w, "== "+lang.Pick(en, ko)+"\n", args...)
}

// Say prints one plain sentence on what the lesson just showed, in one Write,
// in the learner's language: en and ko are the same format in both.
func Say(w io.Writer, en, ko string, args ...any) {
	io.WriteString(w, noteColor.Sprintf("# "+lang.Pick(en, ko)+"\n", args...))
}
