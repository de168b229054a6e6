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
	// In Korean: the prompt speaks the learner's language too.
	term := onATerminal(t, []string{"LANG=ko_KR.UTF-8"})
	term.Expect(`^== 빈 stream에서 시작한다\n> DEL user-notifications\n`)
	term.Expect(`^-- Enter: 다음 단계\(2\) · Ctrl-C: 그만 --`)
	term.Quiet(`NOGROUP`, 300*time.Millisecond)
	term.Send("\r")
	term.Expect(`^== 그룹이 없을 때 XREADGROUP: NOGROUP\n> XREADGROUP GROUP group1 consumer-1 COUNT 1 STREAMS user-notifications >\n\(error\) NOGROUP `)
	term.Expect(`^-- Enter: 다음 단계\(3\)`)
	term.Send("\r")
	term.Expect(`^== XGROUP CREATE는 stream이 있어야 한다\n> XGROUP CREATE user-notifications group1 \$\n`)
	term.Expect(`^-- Enter: 다음 단계\(4\)`)
	term.Quiet(`MKSTREAM`, 100*time.Millisecond)
	term.Send("\x04") // Ctrl-D, the end of input: the rest runs straight through
	term.Expect(`^== NOACK 뒤에는: 되살릴 것이 없다\n> XPENDING user-notifications group1\n1\) \(integer\) 0\n`)
	if err := term.Wait(); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(term.Text(), "-- Enter:"); n != 3 {
		t.Fatalf("%d prompts, want 3 (none after Ctrl-D):\n%s", n, term.Text())
	}
}

func TestAutoDoesNotPause(t *testing.T) {
	t.Parallel()
	term := onATerminal(t, nil, "-auto")
	if err := term.Wait(); err != nil { // a prompt would leave it waiting: Wait fails
		t.Fatal(err)
	}
	text := term.Text()
	if !strings.Contains(text, "== After NOACK: nothing to recover\n") || strings.Contains(text, "Enter") {
		t.Fatalf("-auto on a terminal: want every step and no prompt:\n%s", text)
	}
}
