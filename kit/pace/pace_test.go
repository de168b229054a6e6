package pace

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/lang"
	"github.com/streams-workshop/kit/rediscli"
)

// TestMain lets the test binary play a lesson of three steps on a pty: see
// TestOnATerminal.
func TestMain(m *testing.M) {
	if os.Getenv("PACE_TEST_LESSON") == "1" {
		cli.Main("three-steps", threeSteps)
	}
	os.Exit(m.Run())
}

// threeSteps is a lesson of three steps, each with one line, and -auto.
func threeSteps(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := cli.FlagsInTwoLanguages("three-steps", "three-steps [-auto] [-lang ko]", "Three steps.", "세 단계.", stderr)
	auto := Flag(flags)
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	step := Steps(ctx, stdout, *auto)
	for i := 1; i <= 3; i++ {
		step("Step %d", "단계 %d", i)
		rediscli.Say(stdout, "line %d", "줄 %d", i)
	}
	return nil
}

// syncBuffer is a bytes.Buffer for a writer and a reader in two goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until out contains want.
func waitFor(t *testing.T, out *syncBuffer, want string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(out.String(), want); {
		if time.Now().After(deadline) {
			t.Fatalf("%q did not show; the output:\n%s", want, out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// exited is what a test's exit stand-in panics with, to end the lesson as
// os.Exit would.
type exited int

// play runs steps headings through a pacer in a goroutine and returns its
// output, and a channel that gets the exit status (-1: the lesson ended).
func play(ctx context.Context, in io.Reader, erase bool, steps int) (*syncBuffer, <-chan int) {
	out := new(syncBuffer)
	done := make(chan int, 1)
	go func() {
		defer func() {
			if code, ok := recover().(exited); ok {
				done <- int(code)
			}
		}()
		p := newPacer(ctx, in, out, erase, func(code int) { panic(exited(code)) })
		for i := 1; i <= steps; i++ {
			p.step("Step %d", "단계 %d", i)
			fmt.Fprintf(out, "line %d\n", i)
		}
		done <- -1
	}()
	return out, done
}

func TestNoInputNoPause(t *testing.T) {
	out, done := play(context.Background(), nil, true, 3)
	if code := <-done; code != -1 {
		t.Fatalf("exit %d", code)
	}
	var want bytes.Buffer
	for i := 1; i <= 3; i++ {
		rediscli.Step(&want, "Step %d", "단계 %d", i)
		fmt.Fprintf(&want, "line %d\n", i)
	}
	if out.String() != want.String() {
		t.Fatalf("without a terminal, the output is the headings and lines only; got:\n%q\nwant:\n%q", out.String(), want.String())
	}
}

func TestEnterShowsTheNextStep(t *testing.T) {
	in, typed := io.Pipe()
	out, done := play(context.Background(), in, true, 3)
	waitFor(t, out, "-- Enter: next step (2) · Ctrl-C: stop --")
	time.Sleep(50 * time.Millisecond)
	if strings.Contains(out.String(), "Step 2") {
		t.Fatalf("step 2 showed before Enter:\n%s", out.String())
	}
	if strings.Contains(out.String(), "(1)") {
		t.Fatalf("a prompt before the first step:\n%s", out.String())
	}
	io.WriteString(typed, "\n")
	waitFor(t, out, "== Step 2\n")
	// Answered, the prompt is erased: up one line (the Enter), clear it.
	if !strings.Contains(out.String(), "stop --\x1b[1A\x1b[2K\n== Step 2\n") {
		t.Fatalf("the prompt was not erased after Enter:\n%q", out.String())
	}
	waitFor(t, out, "-- Enter: next step (3) ·")
	io.WriteString(typed, "\n")
	if code := <-done; code != -1 {
		t.Fatalf("exit %d", code)
	}
	if got := strings.Count(out.String(), "-- Enter:"); got != 2 {
		t.Fatalf("%d prompts for 3 steps, want 2:\n%s", got, out.String())
	}
}

func TestEndOfInputRunsStraightOn(t *testing.T) {
	// One Enter, then the end of input: step 3 follows step 2 with no pause.
	out, done := play(context.Background(), strings.NewReader("\n"), false, 4)
	if code := <-done; code != -1 {
		t.Fatalf("exit %d", code)
	}
	got := out.String()
	if n := strings.Count(got, "-- Enter:"); n != 2 {
		t.Fatalf("%d prompts, want 2 (the second meets the end of input):\n%s", n, got)
	}
	if !strings.Contains(got, "-- Enter: next step (3) · Ctrl-C: stop --\n\n== Step 3\nline 3\n\n== Step 4\n") {
		t.Fatalf("after the end of input, the lesson should end the prompt's line and run on:\n%q", got)
	}
}

func TestCancelAtThePromptStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	in, _ := io.Pipe() // nobody types
	out, done := play(ctx, in, true, 3)
	waitFor(t, out, "-- Enter: next step (2)")
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("Ctrl-C at a prompt: exit %d, want 0", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Ctrl-C at a prompt did not stop the lesson")
	}
	if !strings.HasSuffix(out.String(), "stop --\r\x1b[2K# Stopped before step 2.\n") {
		t.Fatalf("Ctrl-C at a prompt: want the prompt erased and one line:\n%q", out.String())
	}
}

func TestCancelStopsAtTheNextStep(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out, done := play(ctx, nil, false, 3)
	if code := <-done; code != 0 {
		t.Fatalf("exit %d, want 0", code)
	}
	if out.String() != "# Stopped before step 1.\n" {
		t.Fatalf("got %q", out.String())
	}
}

func TestKoreanPrompt(t *testing.T) {
	lang.Set("ko")
	defer lang.Set("en")
	out, done := play(context.Background(), strings.NewReader("\n\n"), false, 3)
	<-done
	for _, want := range []string{"== 단계 1\n", "-- Enter: 다음 단계(2) · Ctrl-C: 그만 --\n", "== 단계 3\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in:\n%s", want, out.String())
		}
	}
}

func TestHelpMentionsAuto(t *testing.T) {
	var stderr bytes.Buffer
	err := threeSteps(context.Background(), []string{"-h"}, os.Getenv, io.Discard, &stderr)
	if err == nil || !strings.Contains(stderr.String(), "-auto") {
		t.Fatalf("-h: %v\n%s", err, stderr.String())
	}
}
