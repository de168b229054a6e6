package main

import (
	"bytes"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/fatih/color"
	"github.com/schollz/progressbar/v3"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/lang"
	"github.com/streams-workshop/scripts/services"
)

// progressFrom is the number of orders from which the demo shows progress:
// below it, the run is over in a blink.
const progressFrom = 100

// Each service's lines carry its name in a colour of its own. fatih/color
// drops the colours when stdout is not a terminal.
var (
	serviceColors = map[string]*color.Color{
		"order-service":        color.New(color.FgGreen),
		"payment-service":      color.New(color.FgYellow),
		"notification-service": color.New(color.FgCyan),
	}
	logColor  = color.New(color.Faint)
	sayColor  = color.New(color.Bold)
	warnColor = color.New(color.FgRed)
)

// output interleaves the services' lines with the demo's own, one whole line
// at a time, and keeps a progress bar, if any, below them.
type output struct {
	mu     sync.Mutex
	stdout io.Writer
	stderr io.Writer
	width  int                      // of the longest service name, to align the lines
	bar    *progressbar.ProgressBar // nil unless shown
}

func newOutput(stdout, stderr io.Writer) *output {
	o := &output{stdout: stdout, stderr: stderr}
	for _, svc := range services.All {
		o.width = max(o.width, len(svc.Name))
	}
	return o
}

// service prints one line of a service, prefixed with its name. Log lines
// (stderr) are faint, to let the events stand out.
func (o *output) service(name, line string, isLog bool) {
	prefix := serviceColors[name].Sprintf("%-*s |", o.width, name)
	if isLog {
		line = logColor.Sprint(line)
	}
	o.print(o.stdout, prefix+" "+line)
}

// say prints one of the demo's own lines in the learner's language (kit/lang):
// en and ko are the same format in English and Korean.
func (o *output) say(en, ko string, args ...any) {
	o.print(o.stdout, sayColor.Sprintf(lang.Pick(en, ko), args...))
}

// warn prints a problem, in the learner's language as say does.
func (o *output) warn(en, ko string, args ...any) {
	o.print(o.stdout, warnColor.Sprintf(lang.Pick(en, ko), args...))
}

// print writes one line. The bar is cleared first and drawn again after, so
// that it stays on the last line of the terminal.
func (o *output) print(w io.Writer, line string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.bar != nil {
		o.bar.Clear()
	}
	fmt.Fprintln(w, line)
	if o.bar != nil {
		o.bar.RenderBlank()
	}
}

// progress shows how many orders are complete, for large runs: a bar when
// stderr is a terminal, else a plain line every few seconds.
type progress struct{ done, stopped chan struct{} }

// stop ends the progress display and waits until the bar is gone.
func (p progress) stop() {
	if p.done != nil {
		close(p.done)
		<-p.stopped
	}
}

func (o *output) startProgress(track *tracker, total int) progress {
	if total < progressFrom {
		return progress{}
	}
	p := progress{done: make(chan struct{}), stopped: make(chan struct{})}
	every := 2 * time.Second
	if cli.IsTerminal(o.stderr) {
		every = 100 * time.Millisecond
		o.mu.Lock()
		o.bar = progressbar.NewOptions(total,
			progressbar.OptionSetWriter(o.stderr),
			progressbar.OptionSetDescription("orders paid and notified"),
			progressbar.OptionShowCount(),
			progressbar.OptionSetWidth(30),
			progressbar.OptionClearOnFinish(),
		)
		o.mu.Unlock()
	}
	go func() {
		defer close(p.stopped)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-p.done:
				o.mu.Lock()
				if o.bar != nil {
					o.bar.Clear()
					o.bar = nil
				}
				o.mu.Unlock()
				return
			case <-tick.C:
			}
			placed, complete := track.counts()
			o.mu.Lock()
			if o.bar != nil {
				o.bar.Set(complete)
			} else {
				fmt.Fprintf(o.stderr, "progress: %d/%d orders placed, %d complete\n", placed, total, complete)
			}
			o.mu.Unlock()
		}
	}()
	return p
}

// lineWriter receives a child's output, which exec copies into it from one
// goroutine per stream, and calls emit for each complete line.
type lineWriter struct {
	buf  []byte
	emit func(line string)
}

// maxLine bounds a line held back while waiting for its newline.
const maxLine = 64 << 10

func (w *lineWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 && len(w.buf) < maxLine {
			return len(p), nil
		}
		if i < 0 {
			i = len(w.buf)
		}
		w.emit(string(bytes.TrimSuffix(w.buf[:i], []byte("\r"))))
		w.buf = w.buf[min(i+1, len(w.buf)):]
	}
}
