package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/streams-workshop/scripts/services"
)

const (
	// readyWithin bounds a service's start: connecting to Redis and listening.
	readyWithin = 30 * time.Second
	// stopGrace is how long a service may take to stop after SIGINT. They
	// stop within about one blocking read (1s); past this, they are killed.
	stopGrace = 10 * time.Second
)

// system is the three services, running.
type system struct {
	procs    []*running
	orderURL string // http://127.0.0.1:port of the order service
	runDir   string // this run's READY_FILEs, apart from the binaries kept between runs

	// ctx is cancelled by Ctrl-C, or when a service exits before we stop it.
	ctx    context.Context
	cancel context.CancelCauseFunc

	stopping atomic.Bool
	stopOnce sync.Once
	stopErr  error
}

// running is one service process.
type running struct {
	name string
	proc *services.Process
}

// startSystem starts the services from binDir, one after the other, each on a
// free port (PORT=0), and waits until each has written its READY_FILE. Their
// output goes to out, line by line; their stdout also goes to track.
func startSystem(ctx context.Context, binDir, redisURL string, out *output, track *tracker) (*system, error) {
	sys := &system{}
	sys.ctx, sys.cancel = context.WithCancelCause(ctx)
	var err error
	if sys.runDir, err = os.MkdirTemp("", "streams-demo-"); err != nil {
		return sys, err
	}
	for _, svc := range services.All {
		readyFile := filepath.Join(sys.runDir, svc.Name+".ready")
		// Not tied to ctx: on Ctrl-C the services get SIGINT from stop, and
		// finish their batch, instead of being killed.
		cmd := services.Command(context.Background(), filepath.Join(binDir, svc.Name))
		// The last value of a variable wins, so these override yours.
		cmd.Env = append(os.Environ(),
			"REDIS_URL="+redisURL,
			"PORT=0",
			"READY_FILE="+readyFile,
			"CONSUMER_NAME="+consumerName,
		)
		name := svc.Name
		cmd.Stdout = &lineWriter{emit: func(line string) {
			track.line(name, line, time.Now())
			out.service(name, line, false)
		}}
		cmd.Stderr = &lineWriter{emit: func(line string) { out.service(name, line, true) }}
		proc, err := services.Start(cmd)
		if err != nil {
			return sys, fmt.Errorf("start %s: %w", svc.Name, err)
		}
		r := &running{name: svc.Name, proc: proc}
		sys.procs = append(sys.procs, r)
		go sys.watch(r)

		addr, err := waitReady(sys.ctx, r, readyFile)
		if err != nil {
			return sys, err
		}
		out.say("%s is up: pid %d, http://%s", "%s가 떴다: pid %d, http://%s", svc.Name, proc.Pid(), addr)
		if svc.Name == "order-service" {
			sys.orderURL = "http://" + addr
		}
	}
	return sys, nil
}

// watch cancels the run when a service exits before we stop it: a crash, or
// a Redis it cannot reach. Its own output, above, says why.
func (s *system) watch(r *running) {
	<-r.proc.Done()
	if !s.stopping.Load() {
		s.cancel(fmt.Errorf("%s exited unexpectedly (%v): see its output above", r.name, r.proc.Err()))
	}
}

// failure is why the run was cut short by a service, or nil.
func (s *system) failure() error {
	if err := context.Cause(s.ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// waitReady waits for the READY_FILE ("<pid> <address>") and returns the
// loopback address to reach the service at.
func waitReady(ctx context.Context, r *running, readyFile string) (string, error) {
	deadline := time.After(readyWithin)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if data, err := os.ReadFile(readyFile); err == nil && strings.HasSuffix(string(data), "\n") {
			fields := strings.Fields(string(data))
			_, port, err := net.SplitHostPort(fields[len(fields)-1])
			if err != nil {
				return "", fmt.Errorf("%s: READY_FILE holds %q", r.name, data)
			}
			return net.JoinHostPort("127.0.0.1", port), nil
		}
		select {
		case <-ctx.Done():
			return "", context.Cause(ctx)
		case <-deadline:
			return "", fmt.Errorf("%s was not ready within %s: see its output above", r.name, readyWithin)
		case <-tick.C:
		}
	}
}

// stop stops every service in parallel, as Ctrl-C would, and waits for them.
// It runs once; later calls return the first result.
func (s *system) stop() error {
	s.stopOnce.Do(func() {
		s.stopping.Store(true)
		errs := make([]error, len(s.procs))
		var wg sync.WaitGroup
		for i, r := range s.procs {
			wg.Go(func() {
				if err := r.proc.Stop(stopGrace); err != nil {
					errs[i] = fmt.Errorf("%s: %w", r.name, err)
				}
			})
		}
		wg.Wait()
		s.cancel(nil)
		if s.runDir != "" {
			os.RemoveAll(s.runDir)
		}
		s.stopErr = errors.Join(errs...)
	})
	return s.stopErr
}
