//go:build unix

package main

import (
	"strings"
	"testing"
	"time"

	"github.com/streams-workshop/kit/pace/pacetest"
	"github.com/streams-workshop/kit/testkit"
)

// On a terminal the lesson waits for Enter before each step. The scripts in
// testdata/script never see that: their output is a file, not a terminal, so
// the lesson runs straight through there. These tests run it on a pty,
// against a Redis of their own.

func onATerminal(t *testing.T, env []string, args ...string) *pacetest.Terminal {
	t.Helper()
	srv := testkit.StartT(t)
	return pacetest.Start(t, append(env, "REDIS_URL="+srv.URL("")), "lesson", args...)
}

func TestPausesOnATerminal(t *testing.T) {
	t.Parallel()
	term := onATerminal(t, nil)
	term.Expect(`^== Start from an empty stream\n> DEL user-notifications\n`)
	term.Expect(`^-- Enter: next step \(2\) · Ctrl-C: stop --`)
	term.Quiet(`XADD with an explicit ID`, 300*time.Millisecond)
	term.Send("\r")
	term.Expect(`^== XADD with an explicit ID\n> XADD user-notifications 1672992918152-0 user-a hi user-b hello\n"1672992918152-0"\n`)
	term.Expect(`^-- Enter: next step \(3\)`)
	term.Quiet(`XADD with \*`, 100*time.Millisecond)
	term.Send("\x04") // Ctrl-D, the end of input: the rest runs straight through
	term.Expect(`^== XLEN counts the entries\n> XLEN user-notifications\n\(integer\) 4\n`)
	if err := term.Wait(); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(term.Text(), "-- Enter:"); n != 2 {
		t.Fatalf("%d prompts, want 2 (none after Ctrl-D):\n%s", n, term.Text())
	}
}

func TestAutoDoesNotPause(t *testing.T) {
	t.Parallel()
	term := onATerminal(t, nil, "-auto")
	if err := term.Wait(); err != nil { // a prompt would leave it waiting: Wait fails
		t.Fatal(err)
	}
	text := term.Text()
	if !strings.Contains(text, "== XLEN counts the entries\n") || strings.Contains(text, "Enter") {
		t.Fatalf("-auto on a terminal: want every step and no prompt:\n%s", text)
	}
}
