package consumer

import (
	"context"
	"errors"
	"io"
	"net"
	"time"

	"github.com/redis/go-redis/v9"
)

// serverFaults are the replies of a Redis that cannot serve right now, by
// prefix, and what they mean in plain words. None says anything about the
// event being processed: the same batch will work once Redis is well again.
var serverFaults = []struct{ prefix, words string }{
	{"OOM", "Redis is out of memory (maxmemory reached) and refuses writes"},
	{"READONLY", "Redis is a read-only replica (a failover?) and refuses writes"},
	{"LOADING", "Redis is loading its data after a restart"},
	{"MASTERDOWN", "Redis has lost its master"},
	{"BUSY ", "Redis is busy running a long script"},
	{"MISCONF", "Redis cannot save to disk and refuses writes"},
	{"NOREPLICAS", "Redis has too few replicas to accept writes"},
	{"CLUSTERDOWN", "the Redis Cluster is down"},
	{"TRYAGAIN", "the Redis Cluster is moving keys"},
	{"NOAUTH", "Redis refuses the credentials in REDIS_URL"},
	{"WRONGPASS", "Redis refuses the credentials in REDIS_URL"},
	{"max number of clients", "Redis has too many clients"}, // after "ERR ", which HasErrorPrefix drops
}

// redisFault says whether err is a failure of Redis itself, or of the way to
// it, and not of the event: a lost connection, a timeout, or a server that
// refuses to serve for now. Such a failure is retried, and never counts as a
// delivery toward the dead-letter stream.
func redisFault(err error) bool {
	_, ok := faultWords(err)
	return ok
}

// faultWords says what a fault of Redis is, in plain words.
func faultWords(err error) (string, bool) {
	for _, f := range serverFaults {
		if redis.HasErrorPrefix(err, f.prefix) {
			return f.words, true
		}
	}
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout(),
		errors.Is(err, redis.ErrPoolTimeout):
		return "Redis does not answer in time", true
	case errors.As(err, &netErr), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, redis.ErrClosed):
		return "cannot reach Redis", true
	}
	return "", false
}

// plainWords says what went wrong without the error's own text, which may
// hold addresses and server messages: /healthz shows it to anyone. The log
// has the detail.
func plainWords(err error) string {
	if words, ok := faultWords(err); ok {
		return words
	}
	if isNoGroup(err) {
		return "the consumer group is missing"
	}
	return "a batch failed (the log says why)"
}

// Retry runs an idempotent step of a handler again while it fails with a
// fault of Redis (a lost reply, a timeout, a restart), backing off from
// 50ms to 1s, until it succeeds, fails otherwise, or ctx ends. A handler
// that retries its own last write this way does not redo the whole batch
// for one lost reply.
func Retry(ctx context.Context, step func() error) error {
	backoff := 50 * time.Millisecond
	for {
		err := step()
		if err == nil || !redisFault(err) || ctx.Err() != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Second)
	}
}
