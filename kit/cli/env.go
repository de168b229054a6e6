package cli

import (
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Settings from the environment. Each reader returns def when the variable is
// unset or empty, and otherwise an error in one style,
// `NAME="value": want ...`, that cli.Main prints as the program's one line.

// Port reads a TCP port, 0 to 65535 (0: any free port, for tests).
func Port(getenv func(string) string, name, def string) (string, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	if n, err := strconv.Atoi(v); err != nil || n < 0 || n > 65535 {
		return "", fmt.Errorf("%s=%q: want a port number from 0 to 65535", name, v)
	}
	return v, nil
}

// PositiveInt reads a whole number of at least 1.
func PositiveInt(getenv func(string) string, name string, def int64) (int64, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s=%q: want a whole number, at least 1", name, v)
	}
	return n, nil
}

// Duration reads a Go duration (such as 1.5s, 30m or 24h) from least to
// most; most 0 means no upper bound.
func Duration(getenv func(string) string, name string, def, least, most time.Duration) (time.Duration, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err == nil && d >= least && (most == 0 || d <= most) {
		return d, nil
	}
	example := def
	if example <= 0 {
		example = max(time.Second, least)
		if most > 0 {
			example = min(example, most)
		}
	}
	if most == 0 {
		return 0, fmt.Errorf("%s=%q: want a Go duration of at least %s, such as %s", name, v, FormatDuration(least), FormatDuration(example))
	}
	return 0, fmt.Errorf("%s=%q: want a Go duration from %s to %s, such as %s", name, v, FormatDuration(least), FormatDuration(most), FormatDuration(example))
}

// FormatDuration writes d as a person would: 24h, 1m30s, 15s, not 24h0m0s.
func FormatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Lines writes a service's output, one whole line per Write, from any number
// of goroutines: lines never interleave.
type Lines struct {
	mu sync.Mutex
	w  io.Writer

	service string // with LOG_FORMAT=json, see EventLines; else ""
}

// NewLines returns a Lines that writes to w.
func NewLines(w io.Writer) *Lines { return &Lines{w: w} }

// EventLines returns the Lines a service prints its line per event with, on
// stdout: the seed's line as it is, or with LOG_FORMAT=json a JSON object (see
// Event), since a log collector reads stdout and stderr together.
func EventLines(stdout io.Writer, service string, getenv func(string) string) *Lines {
	l := NewLines(stdout)
	if jsonLogs(getenv) {
		l.service = service
	}
	return l
}

// Event is one event's line: text, the seed's line; or, from EventLines with
// LOG_FORMAT=json, one JSON object with the line's words as msg and its
// values as fields (name, value pairs, as slog takes them), in the shape of
// the service's log.
func (l *Lines) Event(text, msg string, fields ...any) string {
	if l.service == "" {
		return text
	}
	var b strings.Builder
	slog.New(slog.NewJSONHandler(&b, nil)).Info(msg, append([]any{"service", l.service}, fields...)...)
	return strings.TrimSuffix(b.String(), "\n")
}

// PrintEvent writes Event's line.
func (l *Lines) PrintEvent(text, msg string, fields ...any) { l.Print(l.Event(text, msg, fields...)) }

// TracedEvent is Event for an event in a trace: with LOG_FORMAT=json, the
// trace ID in traceparent (a W3C traceparent, "" for none) is the field
// trace_id, so that a log collector can lead from the line to its trace.
func (l *Lines) TracedEvent(traceparent, text, msg string, fields ...any) string {
	if l.service == "" || len(traceparent) != len("00-")+32+len("-")+16+len("-01") {
		return l.Event(text, msg, fields...)
	}
	return l.Event(text, msg, append(fields, "trace_id", traceparent[3:35])...)
}

// PrintTracedEvent writes TracedEvent's line.
func (l *Lines) PrintTracedEvent(traceparent, text, msg string, fields ...any) {
	l.Print(l.TracedEvent(traceparent, text, msg, fields...))
}

// Printf writes one line; the newline is added.
func (l *Lines) Printf(format string, args ...any) {
	l.Print(fmt.Sprintf(format, args...))
}

// Print writes line and a newline, in one Write.
func (l *Lines) Print(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	io.WriteString(l.w, line+"\n")
}

// GCPercent sets the garbage collector's target, as GOGC=percent would,
// unless GOGC is set: the environment still decides. A service whose live
// heap is small (a consumer holds a batch or two) collects garbage every few
// MB at Go's default of 100, which can cost a quarter of its CPU.
func GCPercent(getenv func(string) string, percent int) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(percent)
	}
}
