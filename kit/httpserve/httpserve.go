// Package httpserve runs the services' HTTP servers with the timeouts and
// limits a server on a network needs, and answers in JSON.
package httpserve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// MaxBodyBytes bounds every request body.
const MaxBodyBytes = 64 << 10

// New returns a server with every timeout set: a slow or stuck client cannot
// hold a connection open for ever.
func New(addr string, handler http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           refuseTransferEncoding(http.MaxBytesHandler(handler, MaxBodyBytes)),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
}

// refuseTransferEncoding answers 400, and closes the connection, for a
// request with a Transfer-Encoding (chunked) body. Behind a proxy that reads
// Content-Length where Go reads Transfer-Encoding, the bytes after the chunks
// would run as a second request: request smuggling. Go drops Content-Length
// before a handler sees it, so every such request is refused; the services'
// bodies are small, and every client sends them with Content-Length.
func refuseTransferEncoding(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.TransferEncoding) > 0 {
			w.Header().Set("Connection", "close")
			Error(w, http.StatusBadRequest, "Transfer-Encoding is not accepted: send the body with Content-Length")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Serve listens on srv.Addr and serves until ctx is done, then shuts down,
// letting requests in flight finish for up to 5 seconds. ready, if not nil,
// is called with the bound address once the server listens.
func Serve(ctx context.Context, srv *http.Server, log *slog.Logger, ready func(addr net.Addr)) error {
	listener, err := net.Listen("tcp", srv.Addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		_, port, _ := net.SplitHostPort(srv.Addr)
		return fmt.Errorf("%w: another program listens on port %s (a service of an earlier step, still running?): stop it, or set PORT", err, port)
	}
	if err != nil {
		return err
	}
	if ready != nil {
		ready(listener.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(listener) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Warn("http shutdown", "err", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// JSON writes v as a JSON reply with the given status.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// Error writes a one-line JSON error: {"error": "..."}.
func Error(w http.ResponseWriter, status int, msg string) {
	JSON(w, status, map[string]string{"error": msg})
}

// ReadyFile returns a ready callback for Serve that writes "<pid> <address>"
// to path, or nil when path is empty. Tests wait for the file instead of
// sleeping, and read the pid from it to send signals.
func ReadyFile(path string, log *slog.Logger) func(net.Addr) {
	if path == "" {
		return nil
	}
	return func(addr net.Addr) {
		if err := writeAtomic(path, fmt.Sprintf("%d %s\n", os.Getpid(), addr)); err != nil {
			log.Error("cannot write READY_FILE", "path", path, "err", err)
		}
	}
}

// writeAtomic writes a temporary file and renames it to path, so that a test
// that sees the file sees all of it, never an empty file that has no pid yet.
func writeAtomic(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ready-*")
	if err != nil {
		return err
	}
	_, err = tmp.WriteString(content)
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// LogStopping says, once ctx is done (SIGTERM), that /readyz answers 503 from
// now on. Defer the func it returns: it cancels the line if ctx never ended
// (start-up failed), or waits until the line is written, so that it never
// comes after the service's last line.
func LogStopping(ctx context.Context, log *slog.Logger, shutdownDelay time.Duration) (done func()) {
	said := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		log.Info("stopping: /readyz answers 503 from now on", "shutdownDelay", shutdownDelay)
		close(said)
	})
	return func() {
		if !stop() {
			<-said
		}
	}
}
