package health

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
)

func get(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Body.String()
}

func TestLiveDoesNotFollowReady(t *testing.T) {
	var p Probes
	redisDown := errors.New("Redis does not answer")
	p.Ready(func(context.Context) error { return redisDown })
	mux := http.NewServeMux()
	p.Handle(mux)

	if code, body := get(t, mux, "/livez"); code != http.StatusOK {
		t.Errorf("/livez with Redis down = %d %s, want 200", code, body)
	}
	for _, path := range []string{"/readyz", "/healthz"} {
		code, body := get(t, mux, path)
		if code != http.StatusServiceUnavailable || !strings.Contains(body, `"error": "Redis does not answer"`) {
			t.Errorf("%s = %d %s, want 503 with the reason", path, code, body)
		}
	}

	p.Live(func(context.Context) error { return errors.New("wedged") })
	if code, _ := get(t, mux, "/livez"); code != http.StatusServiceUnavailable {
		t.Errorf("/livez with a failing live check = %d, want 503", code)
	}
}

func TestDrainTurnsNotReadyBeforeWorkStops(t *testing.T) {
	var p Probes
	mux := http.NewServeMux()
	p.Handle(mux)
	signalled, sigterm := context.WithCancel(context.Background())
	work, stop := p.Drain(signalled, 0)
	defer stop()

	if code, _ := get(t, mux, "/readyz"); code != http.StatusOK {
		t.Fatalf("/readyz before SIGTERM = %d, want 200", code)
	}
	sigterm()
	<-work.Done()
	// The work context ends only after /readyz has turned.
	if code, _ := get(t, mux, "/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz once work stopped = %d, want 503", code)
	}
	if code, _ := get(t, mux, "/livez"); code != http.StatusOK {
		t.Errorf("/livez while stopping = %d, want 200", code)
	}
}

func TestDrainWaitsForTheDelay(t *testing.T) {
	var p Probes
	signalled, sigterm := context.WithCancel(context.Background())
	work, stop := p.Drain(signalled, 1<<62) // for ever, unless stopped
	sigterm()
	// Not ready at once (AfterFunc runs in a goroutine of its own: let it);
	// the work context still runs until the delay is over, or stop.
	for i := 0; !p.stopping.Load(); i++ {
		if i == 1_000_000 {
			t.Fatal("/readyz did not turn after SIGTERM")
		}
		runtime.Gosched()
	}
	if work.Err() != nil {
		t.Fatal("work stopped before the delay ran out")
	}
	stop()
	<-work.Done()
}

// An outage is logged twice, when /readyz turns 503 and when it turns back,
// however many probes fail in between.
func TestReadinessChangesLoggedOnce(t *testing.T) {
	var p Probes
	var log bytes.Buffer
	p.LogChanges(slog.New(slog.NewTextHandler(&log, nil)))
	var down atomic.Bool
	p.Ready(func(context.Context) error {
		if down.Load() {
			return errors.New("cannot reach Redis")
		}
		return nil
	})
	mux := http.NewServeMux()
	p.Handle(mux)
	get(t, mux, "/readyz")
	down.Store(true)
	for range 5 {
		get(t, mux, "/readyz")
	}
	down.Store(false)
	get(t, mux, "/readyz")
	get(t, mux, "/readyz")
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `level=WARN msg="/readyz answers 503 until this is fixed" reason="cannot reach Redis"`) ||
		!strings.Contains(lines[1], `level=INFO msg="/readyz answers 200 again" notReadyFor=`) {
		t.Errorf("want one line when the outage starts, one when it ends; got:\n%s", log.String())
	}
}
