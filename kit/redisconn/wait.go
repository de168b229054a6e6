package redisconn

import (
	"context"
	"crypto/x509"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// The waits between tries while Redis is not there yet: doubling from the
// first to the last, then the last for as long as it takes.
const (
	firstWait = 250 * time.Millisecond
	lastWait  = 5 * time.Second
)

// Wait is Connect for a service, which an orchestrator starts in any order
// with its Redis: while Redis does not answer, it logs each try and the wait
// before the next, backing off from 250ms to 5s, until Redis answers or ctx
// ends. What waiting cannot fix ends it at once, as Connect's error: refused
// credentials, a refused ACL, a TLS mismatch, a server older than needs say,
// a database other than 0 on a cluster. When REDIS_URL's one address is a
// node of a Redis Cluster, client follows the cluster from then on (cluster.go).
func Wait(ctx context.Context, client redis.UniversalClient, t Target, log *slog.Logger, needs ...Need) error {
	if err := waitUntil(ctx, t, log, func() error { return ping(ctx, client) }); err != nil {
		return err
	}
	for _, need := range needs {
		if err := CheckVersion(ctx, client, t, need); err != nil {
			return err
		}
	}
	return followClusterNode(ctx, client, t, log)
}

// waitUntil runs try until it succeeds, logging each failure and the wait
// before the next, or until ctx ends or the failure is one no wait fixes.
func waitUntil(ctx context.Context, t Target, log *slog.Logger, try func() error) error {
	wait := firstWait
	for n := 1; ; n++ {
		err := try()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		unreachable := &UnreachableError{Target: t, Err: err}
		if cannotWaitOut(err) {
			return unreachable
		}
		// err: the one line that names the remedies, as a lesson prints it.
		log.Warn("waiting for Redis: /readyz answers 503 until it answers", "redis", t.String(), "try", n, "nextTryIn", wait, "err", unreachable.Error())
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, lastWait)
	}
}

// ping sends PING, bounded as Connect bounds it.
func ping(ctx context.Context, client redis.UniversalClient) error {
	ctx, cancel := context.WithTimeout(ctx, 2*dialTimeout)
	defer cancel()
	err := client.Ping(ctx).Err()
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
		err = errors.New("no answer within " + (2 * dialTimeout).String())
	}
	return err
}

// cannotWaitOut reports whether Redis answered in a way that no wait will
// change: it refused the credentials or the user's ACL, or a database other
// than 0 on a cluster, or the TLS setting does not match the server's.
func cannotWaitOut(err error) bool {
	var unknownCA x509.UnknownAuthorityError
	var badName x509.HostnameError
	return IsAuthError(err) || strings.HasPrefix(err.Error(), "NOPERM") || isSelectOnCluster(err) ||
		errors.As(err, &unknownCA) || errors.As(err, &badName) ||
		strings.Contains(err.Error(), "does not look like a TLS handshake")
}

// Client reads the environment and builds a client, without contacting the
// server: a service then waits for it with Wait while it serves its probes.
func Client(getenv func(string) string) (redis.UniversalClient, Target, error) {
	t, err := FromEnv(getenv)
	if err != nil {
		return nil, t, err
	}
	client, err := NewClient(t)
	return client, t, err
}
