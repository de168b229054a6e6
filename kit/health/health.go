// Package health serves the probes an orchestrator such as Kubernetes asks:
//
//   - GET /livez: the process works. It does not look at Redis: a liveness
//     probe that failed with Redis would restart every pod at each Redis
//     outage, which cures nothing. It fails only when the process is wedged,
//     such as a consumer loop that has not turned for a long time.
//   - GET /readyz: the service can do its work now: Redis answers and, in a
//     consumer, the consumer loops run. It turns 503 as soon as the service
//     begins to stop, before it stops taking work.
//   - GET /healthz: the workshop's first probe, kept for learners: the same
//     as /readyz.
package health

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/streams-workshop/kit/httpserve"
)

// checkTimeout bounds each probe: a probe that hangs is a failed probe.
const checkTimeout = time.Second

// A Check returns nil when all is well, or what is wrong, in one line.
type Check func(ctx context.Context) error

// Probes holds a service's checks. The zero value is ready to use.
type Probes struct {
	live, ready []Check
	stopping    atomic.Bool

	log           *slog.Logger // see LogChanges
	mu            sync.Mutex
	notReadySince time.Time // zero while ready
}

// LogChanges logs when /readyz turns 503 (a WARN with the reason) and when it
// turns 200 again (with how long it was not): one line each per outage. Each
// pod is probed every few seconds, and a line per failed probe would bury the
// rest of the log.
func (p *Probes) LogChanges(log *slog.Logger) { p.log = log }

// Live adds a check to /livez. It must not depend on Redis.
func (p *Probes) Live(check Check) { p.live = append(p.live, check) }

// Ready adds a check to /readyz and /healthz.
func (p *Probes) Ready(check Check) { p.ready = append(p.ready, check) }

// Stopping turns /readyz to 503 for good: the service is going away.
func (p *Probes) Stopping() { p.stopping.Store(true) }

// Handle adds GET /livez, /readyz and /healthz to mux.
func (p *Probes) Handle(mux *http.ServeMux) {
	mux.HandleFunc("GET /livez", func(w http.ResponseWriter, r *http.Request) { answer(w, r, p.live, false) })
	ready := func(w http.ResponseWriter, r *http.Request) {
		p.noteReadiness(answer(w, r, p.ready, p.stopping.Load()))
	}
	mux.HandleFunc("GET /readyz", ready)
	mux.HandleFunc("GET /healthz", ready)
}

// answer is 200 {"status":"ok"} when every check passes, else 503
// {"status":"unavailable","error":"..."} with the first failure, which it
// returns.
func answer(w http.ResponseWriter, r *http.Request, checks []Check, stopping bool) error {
	if stopping {
		unavailable(w, errStopping.Error())
		return errStopping
	}
	ctx, cancel := context.WithTimeout(r.Context(), checkTimeout)
	defer cancel()
	for _, check := range checks {
		if err := check(ctx); err != nil {
			unavailable(w, err.Error())
			return err
		}
	}
	httpserve.JSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

var errStopping = errors.New("the service is stopping")

// noteReadiness logs a change of /readyz's answer (see LogChanges). Stopping
// is logged where it starts, not here.
func (p *Probes) noteReadiness(err error) {
	if p.log == nil || errors.Is(err, errStopping) {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case err != nil && p.notReadySince.IsZero():
		p.notReadySince = time.Now()
		p.log.Warn("/readyz answers 503 until this is fixed", "reason", err.Error())
	case err == nil && !p.notReadySince.IsZero():
		p.log.Info("/readyz answers 200 again", "notReadyFor", time.Since(p.notReadySince).Round(time.Millisecond))
		p.notReadySince = time.Time{}
	}
}

func unavailable(w http.ResponseWriter, msg string) {
	httpserve.JSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": msg})
}

// Drain returns the context a service works under. When ctx is done (by a
// signal), /readyz turns 503 at once. After SIGTERM, which is how Kubernetes
// stops a pod, the work context ends delay later: in between, the service
// still takes work while Kubernetes stops sending it any. After SIGINT
// (Ctrl-C), or a second signal, it ends at once. With delay 0 the work stops
// at once, after /readyz has turned.
func (p *Probes) Drain(ctx context.Context, delay time.Duration) (work context.Context, cancel context.CancelFunc) {
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	// Registered now, so that a SIGINT that stops the service is seen here too.
	stopNow := make(chan os.Signal, 1)
	if delay > 0 {
		signal.Notify(stopNow, os.Interrupt)
	}
	cancel = func() {
		signal.Stop(stopNow)
		cancelWork()
	}
	context.AfterFunc(ctx, func() {
		p.Stopping()
		if delay > 0 {
			signal.Notify(stopNow, syscall.SIGTERM) // a second SIGTERM
			timer := time.NewTimer(delay)
			defer timer.Stop()
			select {
			case <-timer.C:
			case <-stopNow:
			case <-work.Done():
			}
		}
		cancel()
	})
	return work, cancel
}
