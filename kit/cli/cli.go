// Package cli gives every program in the workshop the same shape: main calls
// Main(run), and run does the work with its dependencies passed in, so that
// tests can call it too.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"syscall"

	"github.com/mattn/go-isatty"
	"github.com/streams-workshop/kit/lang"
)

// RunFunc is a program's body: its arguments, environment and output streams.
type RunFunc func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error

// Main runs run with the process's real arguments, environment and output.
// Ctrl-C (SIGINT) or SIGTERM cancels ctx. An error is printed as one line on
// stderr, without a stack trace (JSON with LOG_FORMAT=json), and the process
// exits 1; -h exits 0.
func Main(name string, run RunFunc) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.Is(err, ErrUsage):
		os.Exit(2)
	default:
		printFatal(os.Stderr, name, err, os.Getenv)
		os.Exit(1)
	}
}

// ErrUsage is returned by run after the usage was printed for a bad command
// line. Main exits 2 for it, as the flag package does.
var ErrUsage = errors.New("usage")

// Flags returns a flag set that prints its usage to stderr and returns errors
// instead of exiting, with usage text made of a synopsis, a description and
// the flags. In Korean (kit/lang: a Korean LANG, or -lang ko) the headings
// (Usage:, Flags:), the defaults, the flag package's errors and every flag
// description written with lang.Both are Korean too.
func Flags(name, synopsis, description string, stderr io.Writer) *flag.FlagSet {
	return flagSet(name, synopsis, func() string { return description }, stderr)
}

// FlagsInTwoLanguages is Flags for a program that speaks English and Korean:
// it adds -lang, and picks the description when the usage is printed, so
// that `-lang ko -h` shows the Korean one.
func FlagsInTwoLanguages(name, synopsis, english, korean string, stderr io.Writer) *flag.FlagSet {
	flags := flagSet(name, synopsis, func() string { return lang.Pick(english, korean) }, stderr)
	lang.Flag(flags)
	return flags
}

func flagSet(name, synopsis string, description func() string, stderr io.Writer) *flag.FlagSet {
	flags := flag.NewFlagSet(name, flag.ContinueOnError)
	// The flag package writes a bad command line's error there.
	flags.SetOutput(flagErrors{stderr})
	flags.Usage = func() {
		fmt.Fprintf(stderr, "%s %s\n\n%s\n", lang.Pick("Usage:", "사용법:"), synopsis, description())
		hasFlags := false
		flags.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintf(stderr, "\n%s\n", lang.Pick("Flags:", "플래그:"))
			printDefaults(stderr, flags)
		}
	}
	return flags
}

// printDefaults is flag.PrintDefaults in the language of the moment: each
// description as lang.Translate gives it (see lang.Both), and "(default X)"
// in Korean too.
func printDefaults(w io.Writer, flags *flag.FlagSet) {
	saved := map[*flag.Flag]string{}
	flags.VisitAll(func(f *flag.Flag) {
		saved[f] = f.Usage
		f.Usage = lang.Translate(f.Usage)
	})
	var b strings.Builder
	out := flags.Output()
	flags.SetOutput(&b)
	flags.PrintDefaults()
	flags.SetOutput(out)
	flags.VisitAll(func(f *flag.Flag) { f.Usage = saved[f] })
	text := b.String()
	if lang.Current() == "ko" {
		text = defaultValue.ReplaceAllString(text, "(기본값 $1)")
	}
	io.WriteString(w, text)
}

// defaultValue is what flag.PrintDefaults adds at the end of a description.
var defaultValue = regexp.MustCompile(`(?m) \(default (.*)\)$`)

// flagErrors writes the flag package's errors, in Korean when the language
// is: "flag provided but not defined: -x" and the like. The flag package
// writes nothing else there, since our Usage prints to stderr itself.
type flagErrors struct{ w io.Writer }

var flagErrorsKO = []struct {
	en *regexp.Regexp
	ko string
}{
	{regexp.MustCompile(`^flag provided but not defined: (.*)`), "정의되지 않은 플래그: $1"},
	{regexp.MustCompile(`^flag needs an argument: (.*)`), "값이 필요한 플래그: $1"},
	{regexp.MustCompile(`^bad flag syntax: (.*)`), "잘못된 플래그 형식: $1"},
	{regexp.MustCompile(`^invalid boolean value (".*") for (-\S+): (.*)`), "$2 플래그에 맞지 않는 참/거짓 값 $1: $3"},
	{regexp.MustCompile(`^invalid value (".*") for flag (-\S+): (.*)`), "$2 플래그에 맞지 않는 값 $1: $3"},
	{regexp.MustCompile(`^invalid boolean flag (\S+): (.*)`), "-$1 플래그에 맞지 않는 값: $2"},
}

func (e flagErrors) Write(p []byte) (int, error) {
	if lang.Current() != "ko" {
		return e.w.Write(p)
	}
	text := string(p)
	for _, m := range flagErrorsKO {
		if m.en.MatchString(text) {
			text = m.en.ReplaceAllString(text, m.ko)
			break
		}
	}
	if _, err := io.WriteString(e.w, text); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Parse parses args, mapping a bad command line to ErrUsage.
func Parse(flags *flag.FlagSet, args []string) error {
	err := flags.Parse(args)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		return ErrUsage
	}
	return err
}

// IsTerminal reports whether w is a terminal. Progress bars and screen
// clearing are for a person watching, not for a file, a pipe or a test.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}
