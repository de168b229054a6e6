package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// progress shows how far the warm-up got. On a terminal each step is one
// line, redrawn in place five times a second; into a pipe or a file it is
// plain lines, one for each tenth of the work and at least one every 15 s.
type progress struct {
	w   io.Writer
	tty bool
	mu  sync.Mutex
}

func newProgress(w io.Writer) *progress {
	return &progress{w: w, tty: w == io.Writer(os.Stdout) && isTerminal(os.Stdout) && os.Getenv("TERM") != "dumb"}
}

// isTerminal reports whether f is a terminal (a character device), without
// golang.org/x/term: warmup imports the standard library only.
func isTerminal(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

const steps = 3

// width is how many columns a redrawn line may take: a longer one would wrap,
// and \r would redraw only its last row.
const width = 79

// A phase is one step, shown until stop.
type phase struct {
	p       *progress
	n       int
	start   time.Time
	status  func() string
	percent func() int // nil: no tenths, only the time
	quit    chan struct{}
	done    sync.WaitGroup
}

// phase starts step n: status says where it is; percent, if not nil, how
// far in hundredths.
func (p *progress) phase(n int, status func() string, percent func() int) *phase {
	ph := &phase{p: p, n: n, start: time.Now(), status: status, percent: percent, quit: make(chan struct{})}
	ph.done.Add(1)
	go ph.show()
	return ph
}

func (ph *phase) line(s string) string {
	return fmt.Sprintf("[%d/%d] %s %s", ph.n, steps, clock(time.Since(ph.start)), s)
}

func (ph *phase) show() {
	defer ph.done.Done()
	every := 200 * time.Millisecond
	if !ph.p.tty {
		every = time.Second
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	lastTenth, lastPlain := -1, time.Time{}
	for {
		if ph.p.tty {
			ph.p.mu.Lock()
			fmt.Fprint(ph.p.w, "\r\033[K"+cut(ph.line(ph.status()), width))
			ph.p.mu.Unlock()
		} else {
			tenth := -2
			if ph.percent != nil {
				tenth = ph.percent() / 10
			}
			if tenth != lastTenth || time.Since(lastPlain) >= 15*time.Second {
				ph.p.mu.Lock()
				fmt.Fprintln(ph.p.w, ph.line(ph.status()))
				ph.p.mu.Unlock()
				lastTenth, lastPlain = tenth, time.Now()
			}
		}
		select {
		case <-ph.quit:
			return
		case <-tick.C:
		}
	}
}

// stop ends the step with its final line; "" (on an error) leaves the last
// status as it was.
func (ph *phase) stop(final string) {
	close(ph.quit)
	ph.done.Wait()
	ph.p.mu.Lock()
	defer ph.p.mu.Unlock()
	switch {
	case final == "" && ph.p.tty:
		fmt.Fprintln(ph.p.w)
	case final == "":
	case ph.p.tty:
		fmt.Fprint(ph.p.w, "\r\033[K"+ph.line(final)+"\n")
	default:
		fmt.Fprintln(ph.p.w, ph.line(final))
	}
}

// finish prints a last line.
func (p *progress) finish(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintln(p.w, s)
}

// clock writes d as m:ss.
func clock(d time.Duration) string {
	s := int(d.Seconds())
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// cut shortens s to n columns, counting Hangul and other wide letters as two.
func cut(s string, n int) string {
	cols := 0
	for i, r := range s {
		w := 1
		if r >= 0x1100 && (r <= 0x115f || r >= 0x2e80 && r <= 0xa4cf || r >= 0xac00 && r <= 0xd7a3 || r >= 0xf900 && r <= 0xfaff || r >= 0xff00 && r <= 0xff60) {
			w = 2
		}
		if cols+w > n {
			return s[:i]
		}
		cols += w
	}
	return s
}
