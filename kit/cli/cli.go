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
	"syscall"

	"github.com/fatih/color"

	"github.com/mattn/go-isatty"
	"github.com/streams-workshop/kit/lang"
)

// RunFunc is a program's body: its arguments, environment and output streams.
type RunFunc func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error

// Main runs run with the process's real arguments, environment and output.
// Ctrl-C (SIGINT) or SIGTERM cancels ctx. An error is printed as one line on
// stderr, without a stack trace, and the process exits 1; -h exits 0.
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
		color.New(color.FgRed).Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}

// ErrUsage is returned by run after the usage was printed for a bad command
// line. Main exits 2 for it, as the flag package does.
var ErrUsage = errors.New("usage")

// Flags returns a flag set that prints its usage to stderr and returns errors
// instead of exiting, with usage text made of a synopsis, a description and
// the flags.
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
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprintf(stderr, "Usage: %s\n\n%s\n", synopsis, description())
		hasFlags := false
		flags.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintln(stderr, "\nFlags:")
			flags.PrintDefaults()
		}
	}
	return flags
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
