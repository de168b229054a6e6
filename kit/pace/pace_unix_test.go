//go:build unix

package pace

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/streams-workshop/kit/pace/pacetest"
)

// On a real terminal: this test binary plays a lesson of three steps on a pty.

func startThreeSteps(t *testing.T, env []string, args ...string) *pacetest.Terminal {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return pacetest.Start(t, append(env, "PACE_TEST_LESSON=1"), exe, args...)
}

func TestOnATerminal(t *testing.T) {
	t.Parallel()
	term := startThreeSteps(t, nil)
	term.Expect(`^== Step 1\n# line 1\n`)
	term.Expect(`^-- Enter: next step \(2\) · Ctrl-C: stop --`)
	term.Quiet(`Step 2`, 200*time.Millisecond)
	term.Send("\r")
	term.Expect(`^== Step 2\n# line 2\n`)
	term.Expect(`^-- Enter: next step \(3\)`)
	term.Send("\r")
	term.Expect(`^== Step 3\n# line 3\n`)
	if err := term.Wait(); err != nil {
		t.Fatal(err)
	}
	// Colours on a terminal, and the answered prompt erased.
	if raw := term.Raw(); !strings.Contains(raw, "\x1b[33;1m== Step 2") || !strings.Contains(raw, "\x1b[1A\x1b[2K") {
		t.Fatalf("want a coloured heading and an erased prompt:\n%q", raw)
	}
}

func TestOnATerminalAuto(t *testing.T) {
	t.Parallel()
	term := startThreeSteps(t, []string{"LANG=ko_KR.UTF-8"}, "-auto")
	if err := term.Wait(); err != nil {
		t.Fatal(err)
	}
	if text := term.Text(); !strings.Contains(text, "== 단계 3\n# 줄 3\n") || strings.Contains(text, "Enter") {
		t.Fatalf("-auto: want all three steps and no prompt:\n%s", text)
	}
}

func TestOnATerminalCtrlC(t *testing.T) {
	t.Parallel()
	term := startThreeSteps(t, []string{"LANG=ko_KR.UTF-8"})
	term.Expect(`-- Enter: 다음 단계\(2\) · Ctrl-C: 그만 --`)
	term.Interrupt()
	term.Expect(`# 2단계 앞에서 멈췄다\.\n`)
	if err := term.Wait(); err != nil {
		t.Fatalf("Ctrl-C at a prompt: %v, want exit status 0", err)
	}
	if strings.Contains(term.Text(), "단계 2\n") {
		t.Fatalf("step 2 showed after Ctrl-C:\n%s", term.Text())
	}
}

func TestOnATerminalCtrlD(t *testing.T) {
	t.Parallel()
	term := startThreeSteps(t, nil)
	term.Expect(`-- Enter: next step \(2\)`)
	term.Send("\x04")
	term.Expect(`== Step 3\n# line 3\n`)
	if err := term.Wait(); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(term.Text(), "-- Enter:"); n != 1 {
		t.Fatalf("%d prompts after Ctrl-D, want 1:\n%s", n, term.Text())
	}
}
