//go:build unix

// Package pacetest runs a program on a terminal of its own, a pty, so that a
// test can see what a person at a terminal sees: a lesson's prompts, its
// colours, its pauses. The test reads the screen with Expect and types with
// Send. Unix only (Linux, macOS; WSL on Windows).
package pacetest

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// Timeout bounds each wait of a test: a lesson that waits for Enter where it
// should not makes the test fail after it, not hang.
const Timeout = 15 * time.Second

// Terminal is a program running on a pty.
type Terminal struct {
	t   testing.TB
	pty *os.File
	cmd *exec.Cmd

	mu      sync.Mutex
	raw     bytes.Buffer  // everything the program wrote, as written
	closed  bool          // the program closed its terminal
	changed chan struct{} // closed and replaced at each change of raw or closed
	next    int           // where in Text the next Expect starts looking

	exited chan error // the program's exit, once
}

// Start runs the program name (found on PATH) with args on a new terminal of
// 100 columns by 30 rows. Its environment is env, after PATH, HOME and a
// TERM that takes colours; it has nothing else of the test's, no LANG in
// particular. The program is killed when the test ends.
func Start(t testing.TB, env []string, name string, args ...string) *Terminal {
	t.Helper()
	if _, err := os.Stat("/dev/ptmx"); err != nil {
		t.Skip("no pseudo-terminals here (/dev/ptmx):", err)
	}
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(path, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TERM=xterm-256color"}, env...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 100, Rows: 30})
	if err != nil {
		t.Fatalf("start %s on a pty: %v", name, err)
	}
	term := &Terminal{t: t, pty: f, cmd: cmd, changed: make(chan struct{}), exited: make(chan error, 1)}
	go term.read()
	go func() { term.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		f.Close()
		if t.Failed() {
			t.Logf("the terminal showed:\n%s", term.Text())
		}
	})
	return term
}

// read copies the program's output into raw until the pty closes.
func (term *Terminal) read() {
	buf := make([]byte, 4096)
	for {
		n, err := term.pty.Read(buf)
		term.mu.Lock()
		term.raw.Write(buf[:n])
		if err != nil {
			term.closed = true // EIO on Linux once the program has exited
		}
		close(term.changed)
		term.changed = make(chan struct{})
		term.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// Raw is everything the program wrote so far, escape sequences and \r\n
// line ends included.
func (term *Terminal) Raw() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return term.raw.String()
}

var escape = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

// Plain is s without colours and cursor movements, with \n line ends.
func Plain(s string) string {
	return strings.ReplaceAll(escape.ReplaceAllString(s, ""), "\r\n", "\n")
}

// Text is what the program wrote so far, as Plain.
func (term *Terminal) Text() string { return Plain(term.Raw()) }

// Expect waits until the text written after the previous Expect's match
// matches pattern (a regexp, multi-line mode), and returns the match. The
// test fails when it does not come within Timeout or the program closes its
// terminal first.
func (term *Terminal) Expect(pattern string) string {
	term.t.Helper()
	re := regexp.MustCompile("(?m)" + pattern)
	deadline := time.After(Timeout)
	for {
		term.mu.Lock()
		text := Plain(term.raw.String())
		closed, changed := term.closed, term.changed
		term.mu.Unlock()
		if loc := re.FindStringIndex(text[term.next:]); loc != nil {
			match := text[term.next+loc[0] : term.next+loc[1]]
			term.next += loc[1]
			return match
		}
		if closed {
			term.t.Fatalf("the program closed its terminal without showing %q", pattern)
		}
		select {
		case <-changed:
		case <-deadline:
			term.t.Fatalf("%q did not show within %v", pattern, Timeout)
		}
	}
}

// Quiet checks that nothing matching pattern shows during d: that the
// program waits.
func (term *Terminal) Quiet(pattern string, d time.Duration) {
	term.t.Helper()
	time.Sleep(d)
	re := regexp.MustCompile("(?m)" + pattern)
	if text := term.Text()[term.next:]; re.MatchString(text) {
		term.t.Fatalf("%q showed while the program should wait, in:\n%s", pattern, text)
	}
}

// Send types s: "\r" is Enter, "\x04" Ctrl-D. For Ctrl-C, use Interrupt.
func (term *Terminal) Send(s string) {
	term.t.Helper()
	if _, err := io.WriteString(term.pty, s); err != nil {
		term.t.Fatal(err)
	}
}

// Interrupt does what Ctrl-C does: it sends SIGINT to the program's process
// group. Typing "\x03" would too, but the terminal then also discards the
// output not yet read, and what the program prints as it stops may be lost.
func (term *Terminal) Interrupt() {
	term.t.Helper()
	if err := syscall.Kill(-term.cmd.Process.Pid, syscall.SIGINT); err != nil {
		term.t.Fatal(err)
	}
}

// Wait waits for the program to exit and returns its error (nil for exit
// status 0), after the last of its output was read. The test fails when the
// program has not exited within Timeout.
func (term *Terminal) Wait() error {
	term.t.Helper()
	var err error
	select {
	case err = <-term.exited:
	case <-time.After(Timeout):
		term.t.Fatalf("the program did not exit within %v", Timeout)
	}
	// The last output may still be in the pty: read until it is closed.
	deadline := time.After(Timeout)
	for {
		term.mu.Lock()
		closed, changed := term.closed, term.changed
		term.mu.Unlock()
		if closed {
			break
		}
		select {
		case <-changed:
		case <-deadline:
			term.t.Fatal("the terminal did not close after the program exited")
		}
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit
	}
	return err
}
