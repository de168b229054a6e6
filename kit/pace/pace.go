// Package pace paces a lesson for a class. A lesson prints each step's
// heading with the Step that Steps returns; when a person watches at a
// terminal, Step first waits for Enter, so that the class reads one step at a
// time:
//
//	# consumer-1 got 1795579073865-0 and consumer-2 got 1795579073865-1 ...
//	-- Enter: next step (9) · Ctrl-C: stop --
//
// Enter erases the prompt and prints the next step, so the screen ends up as
// the straight run would have printed it. Ctrl-D (end of input) runs the rest
// straight through; Ctrl-C stops the lesson, exit status 0.
//
// With -auto, or when stdout or stdin is not a terminal (a pipe, a file, a
// test), Step never waits and prints no prompt: the output is the same as it
// would be with no pacing at all.
package pace

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/fatih/color"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/lang"
	"github.com/streams-workshop/kit/rediscli"
)

// Step prints the heading of a lesson's next step, as rediscli.Step does: en
// and ko are the same format in English and Korean. On a terminal it waits
// for Enter first, from the second step on.
type Step func(en, ko string, args ...any)

// Flag adds -auto to a lesson's flags.
func Flag(flags *flag.FlagSet) *bool {
	return flags.Bool("auto", false, lang.Both(
		"run straight through, without a pause between steps (the default when the output is not a terminal)",
		"단계 사이에서 멈추지 않고 끝까지 실행한다(출력이 터미널이 아니면 이것이 기본)"))
}

// Help is the paragraph a lesson's -h adds about pacing, in the learner's
// language: English first, then Korean.
const (
	HelpEN = "On a terminal it stops after each step: Enter shows the next one, Ctrl-C stops.\n" +
		"-auto runs straight through, as it does when the output goes to a pipe or a file."
	HelpKO = "터미널에서는 단계마다 멈춘다. Enter를 누르면 다음 단계를 보여 주고, Ctrl-C로 그만둔다.\n" +
		"-auto를 주면 멈추지 않고 끝까지 간다. 출력을 파이프나 파일로 보낼 때도 그렇다."
)

// Steps returns the Step of a lesson that writes to stdout. It pauses only
// when auto is false and both stdout and the process's stdin are terminals.
// ctx is the program's: once it is cancelled (Ctrl-C), the lesson stops at
// the prompt or at the next step, with one line on stdout and exit status 0.
func Steps(ctx context.Context, stdout io.Writer, auto bool) Step {
	interactive := !auto && cli.IsTerminal(stdout) && cli.IsTerminal(os.Stdin)
	var in io.Reader
	if interactive {
		in = os.Stdin
	}
	// The prompt is erased with cursor movements, which a terminal that
	// takes no colours (NO_COLOR, TERM=dumb) may not understand either.
	return newPacer(ctx, in, stdout, !color.NoColor, os.Exit).step
}

// pacer is the state behind a Step.
type pacer struct {
	ctx   context.Context
	in    *bufio.Reader // nil: never wait
	out   io.Writer
	erase bool      // erase the prompt once answered
	exit  func(int) // os.Exit, or a test's stand-in
	steps int       // steps printed so far
}

func newPacer(ctx context.Context, in io.Reader, out io.Writer, erase bool, exit func(int)) *pacer {
	p := &pacer{ctx: ctx, out: out, erase: erase, exit: exit}
	if in != nil {
		p.in = bufio.NewReader(in)
	}
	return p
}

var promptColor = color.New(color.FgYellow)

func (p *pacer) step(en, ko string, args ...any) {
	if p.ctx.Err() != nil {
		p.stop()
		return
	}
	if p.steps > 0 && p.in != nil {
		p.wait()
	}
	p.steps++
	rediscli.Step(p.out, en, ko, args...)
}

// wait shows the prompt and waits for a line, the end of input, or a cancel.
func (p *pacer) wait() {
	promptColor.Fprint(p.out, lang.Pick(
		fmt.Sprintf("-- Enter: next step (%d) · Ctrl-C: stop --", p.steps+1),
		fmt.Sprintf("-- Enter: 다음 단계(%d) · Ctrl-C: 그만 --", p.steps+1)))
	line := make(chan error, 1)
	go func() {
		_, err := p.in.ReadString('\n')
		line <- err
	}()
	select {
	case err := <-line:
		if err != nil {
			// End of input (Ctrl-D, or a closed stdin): the cursor is still
			// on the prompt's line. Run the rest without pausing.
			p.in = nil
			p.clearLine()
			return
		}
		// The terminal echoed Enter: the cursor is on the line below.
		if p.erase {
			io.WriteString(p.out, "\x1b[1A\x1b[2K")
		}
	case <-p.ctx.Done():
		p.clearLine()
		p.stop()
	}
}

// clearLine erases the line the cursor is on (the prompt), or ends it.
func (p *pacer) clearLine() {
	if p.erase {
		io.WriteString(p.out, "\r\x1b[2K")
	} else {
		io.WriteString(p.out, "\n")
	}
}

// stop ends the lesson after a cancel (Ctrl-C): a plain stop, not an error.
func (p *pacer) stop() {
	rediscli.Say(p.out, "Stopped before step %d.", "%d단계 앞에서 멈췄다.", p.steps+1)
	p.exit(0)
}
