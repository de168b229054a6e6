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
	term.Quiet(`Three entries`, 300*time.Millisecond)
	term.Send("\r")
	term.Expect(`^== Three entries to read\n> XADD user-notifications \* user-a hi user-b hello\n`)
	term.Expect(`^-- Enter: next step \(3\)`)
	term.Send("\r")
	term.Expect(`^== XREAD from 0 reads every entry after ID 0\n> XREAD STREAMS user-notifications 0\n`)
	term.Expect(`^-- Enter: next step \(4\)`)
	// Ctrl-C at a prompt stops the lesson there: one line, exit status 0.
	term.Interrupt()
	term.Expect(`# Stopped before step 4\.\n`)
	if err := term.Wait(); err != nil {
		t.Fatalf("Ctrl-C at a prompt: %v, want exit status 0", err)
	}
	if text := term.Text(); strings.Contains(text, "XREAD COUNT 1") {
		t.Fatalf("step 4 ran after Ctrl-C:\n%s", text)
	}
}

func TestAutoDoesNotPause(t *testing.T) {
	t.Parallel()
	term := onATerminal(t, nil, "-auto")
	if err := term.Wait(); err != nil { // a prompt would leave it waiting: Wait fails
		t.Fatal(err)
	}
	text := term.Text()
	if !strings.Contains(text, "== Reading removed nothing\n> XLEN user-notifications\n(integer) 6\n") || strings.Contains(text, "Enter") {
		t.Fatalf("-auto on a terminal: want every step and no prompt:\n%s", text)
	}
}
