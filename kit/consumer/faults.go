package consumer

import (
	"context"
	"time"

	"github.com/streams-workshop/kit/redisconn"
)

// redisFault says whether err is a failure of Redis itself, or of the way to
// it, and not of the event: a lost connection, a timeout, or a server that
// refuses to serve for now. Such a failure is retried, and never counts as a
// delivery toward the dead-letter stream.
func redisFault(err error) bool {
	_, ok := faultWords(err)
	return ok
}

// faultWords says what a fault of Redis is, in plain words.
func faultWords(err error) (string, bool) { return redisconn.FaultWords(err) }

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
