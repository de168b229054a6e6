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
	"net/http"
	"os"
	"os/signal"
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
}

// Live adds a check to /livez. It must not depend on Redis.
func (p *Probes) Live(check Check) { p.live = append(p.live, check) }

// Ready adds a check to /readyz and /healthz.
func (p *Probes) Ready(check Check) { p.ready = append(p.ready, check) }

// Stopping turns /readyz to 503 for good: the service is going away.
func (p *Probes) Stopping() { p.stopping.Store(true) }

// Handle adds GET /livez, /readyz and /healthz to mux.
func (p *Probes) Handle(mux *http.ServeMux) {
	mux.HandleFunc("GET /livez", func(w http.ResponseWriter, r *http.Request) { answer(w, r, p.live, false) })
	ready := func(w http.ResponseWriter, r *http.Request) { answer(w, r, p.ready, p.stopping.Load()) }
	mux.HandleFunc("GET /readyz", ready)
	mux.HandleFunc("GET /healthz", ready)
}

// answer is 200 {"status":"ok"} when every check passes, else 503
// {"status":"unavailable","error":"..."} with the first failure.
func answer(w http.ResponseWriter, r *http.Request, checks []Check, stopping bool) {
	if stopping {
		unavailable(w, "the service is stopping")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), checkTimeout)
	defer cancel()
	for _, check := range checks {
		if err := check(ctx); err != nil {
			unavailable(w, err.Error())
			return
		}
	}
	httpserve.JSON(w, http.StatusOK, map[string]string{"status": "ok"})
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
