package cli

import (
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/fatih/color"
)

// LogHelp and LogHelpKO document the variables Logger reads, for a service's
// -h, in English and in Korean.
const (
	LogHelp = `  LOG_FORMAT      text (the default) or json: one JSON object per line, for a
                  log collector, on stdout and stderr alike (JSON works too)
  LOG_LEVEL       debug, info (the default), warn or error`
	LogHelpKO = `  LOG_FORMAT      text(기본값) 또는 json. json이면 로그 수집기가 읽도록 한 줄에
                  JSON 객체 하나를 쓴다. stdout과 stderr 모두(JSON도 된다)
  LOG_LEVEL       debug, info(기본값), warn, error 중 하나`
)

// Logger is a service's log: lines on stderr, in the format LOG_FORMAT names,
// from LOG_LEVEL up (both in any case: json or JSON), each with service=name so that the lines of several
// services can be told apart once collected.
//
// Nothing logged through it may hold a password: log a redisconn.Target, never
// REDIS_URL itself.
func Logger(stderr io.Writer, name string, getenv func(string) string) (*slog.Logger, error) {
	var level slog.Level
	switch v := strings.ToLower(getenv("LOG_LEVEL")); v {
	case "debug":
		level = slog.LevelDebug
	case "", "info":
		level = slog.LevelInfo
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	default:
		return nil, fmt.Errorf("LOG_LEVEL=%q: want debug, info, warn or error", getenv("LOG_LEVEL"))
	}
	opts := &slog.HandlerOptions{Level: level}
	var handler slog.Handler
	switch v := getenv("LOG_FORMAT"); strings.ToLower(v) {
	case "", "text":
		handler = slog.NewTextHandler(stderr, opts)
	case "json":
		opts.ReplaceAttr = durationAsText
		handler = slog.NewJSONHandler(stderr, opts)
	default:
		return nil, fmt.Errorf("LOG_FORMAT=%q: want text or json", v)
	}
	return slog.New(handler).With("service", name), nil
}

// durationAsText writes a time.Duration as "30s", as the text format does,
// rather than as JSON's bare count of nanoseconds, 30000000000, which a reader
// of the log has to count the zeros of.
func durationAsText(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		a.Value = slog.StringValue(a.Value.Duration().String())
	}
	return a
}

// jsonLogs reports whether LOG_FORMAT asks for JSON, in any case.
func jsonLogs(getenv func(string) string) bool {
	return strings.EqualFold(getenv("LOG_FORMAT"), "json")
}

// printFatal writes the error that ends a program, as one line on stderr:
// "name: err" in red, or with LOG_FORMAT=json a JSON object at level ERROR,
// like the service's other log lines, since a log collector reads stderr too.
func printFatal(stderr io.Writer, name string, err error, getenv func(string) string) {
	if jsonLogs(getenv) {
		slog.New(slog.NewJSONHandler(stderr, nil)).Error(err.Error(), "service", name)
		return
	}
	color.New(color.FgRed).Fprintf(stderr, "%s: %v\n", name, err)
}
