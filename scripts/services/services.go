// Package services builds and runs the workshop's three services as separate
// processes: the system test and the demo both need them that way, because
// separate processes are what the tutorial's architecture is about.
package services

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// Service is one of the three services: its command name and its folder in
// the workspace.
type Service struct {
	Name   string // order-service
	Folder string // 04-order-service
}

// All lists the services in the order the data flows through them.
var All = []Service{
	{"order-service", "04-order-service"},
	{"payment-service", "05-payment-service"},
	{"notification-service", "06-notification-service"},
}

// Build compiles every service from the workspace root into dir, each under
// its Name. Cancelling ctx stops the build, go's compiler children included.
func Build(ctx context.Context, root, dir string) error {
	for _, svc := range All {
		cmd := Command(ctx, "go", "build", "-o", filepath.Join(dir, svc.Name), "./"+svc.Folder)
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			return fmt.Errorf("go build ./%s: %v\n%s", svc.Folder, err, out)
		}
	}
	return nil
}

// Command is exec.CommandContext for a child that must not outlive us:
//
//   - It runs in a process group of its own, so that Ctrl-C in a terminal
//     reaches only us, and we decide how and in which order children stop.
//   - When ctx is cancelled the whole group is killed, so `go build` takes
//     its compiler processes with it.
//   - On Linux, it is killed if we die without cleaning up (see
//     setParentDeathSignal).
func Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	inOwnGroup(cmd)
	cmd.Cancel = func() error { return killGroup(cmd.Process) }
	// Output copying ends this long after the process, even if a grandchild
	// still holds the pipe.
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// Process is a started Command whose exit can be awaited from several places.
type Process struct {
	Cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// Start starts cmd (made by Command) and waits for it in the background.
func Start(cmd *exec.Cmd) (*Process, error) {
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &Process{Cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// Pid is the process ID.
func (p *Process) Pid() int { return p.Cmd.Process.Pid }

// Done is closed when the process has exited and its output is copied.
func (p *Process) Done() <-chan struct{} { return p.done }

// Err is how the process ended; call it after Done.
func (p *Process) Err() error { return p.err }

// Stop asks the process to stop as Ctrl-C would (SIGINT to its group), waits
// up to grace, then kills the group. It returns how the process ended.
func (p *Process) Stop(grace time.Duration) error {
	select {
	case <-p.done:
		return p.err
	default:
	}
	if err := interruptGroup(p.Cmd.Process); err != nil && !errors.Is(err, os.ErrProcessDone) {
		killGroup(p.Cmd.Process)
	}
	select {
	case <-p.done:
		return p.err
	case <-time.After(grace):
		killGroup(p.Cmd.Process)
		<-p.done
		return fmt.Errorf("did not stop within %s after SIGINT: killed", grace)
	}
}
