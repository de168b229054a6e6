package main

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/tracing"
)

// sharedPipeline sends the XADDs of concurrent requests to Redis together, in
// one pipeline: Redis then reads and answers them with one system call each
// way instead of one per order. One request at a time has the turn: it sends
// every XADD waiting at that moment, its own included, and answers them all.
// Under light load a batch is one order and nothing waits; under heavy load
// batches grow by themselves while the previous one is on the wire.
type sharedPipeline struct {
	redis   redis.UniversalClient
	turn    chan struct{} // holds a token while a request sends a batch
	mu      sync.Mutex    // guards waiting
	waiting []*queuedXAdd
}

// queuedXAdd is one request's XADD, from its queueing to its answer.
type queuedXAdd struct {
	args     *redis.XAddArgs
	deadline time.Time     // the request's: past it, an XADD not yet sent is not sent
	done     chan struct{} // closed once entryID and err are set
	entryID  string
	err      error
}

// maxBatch bounds one pipeline, so that one batch never holds Redis for long.
const maxBatch = 256

// errNotSent is the failure of an order that never left the service: it
// waited its whole publishTimeout for earlier pipelines to finish.
var errNotSent = errors.New("not sent: the pipeline to Redis was busy until the deadline")

func newSharedPipeline(client redis.UniversalClient) *sharedPipeline {
	return &sharedPipeline{redis: client, turn: make(chan struct{}, 1)}
}

// XAdd adds one entry and returns its ID by ctx's deadline, or within
// publishTimeout when ctx has none. A failure is errNotSent, Redis's error,
// or the pipeline's.
func (p *sharedPipeline) XAdd(ctx context.Context, args *redis.XAddArgs) (string, error) {
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(publishTimeout)
	}
	x := &queuedXAdd{args: args, deadline: deadline, done: make(chan struct{})}
	p.mu.Lock()
	p.waiting = append(p.waiting, x)
	p.mu.Unlock()
	select {
	case <-x.done: // sent in the batch of a request that had the turn
		return x.entryID, x.err
	case p.turn <- struct{}{}:
	}
	defer func() { <-p.turn }()
	for !x.answered() {
		batch, batchDeadline := p.takeBatch()
		if len(batch) == 0 {
			continue // all past their deadline, and answered
		}
		ctx, cancel := context.WithDeadline(batchContext(ctx), batchDeadline)
		pipe := p.redis.Pipeline()
		cmds := make([]*redis.StringCmd, len(batch))
		for i, q := range batch {
			cmds[i] = pipe.XAdd(ctx, q.args)
		}
		_, pipeErr := pipe.Exec(ctx)
		cancel()
		for i, q := range batch {
			q.answer(entryIDOf(cmds[i], pipeErr))
		}
	}
	return x.entryID, x.err
}

// takeBatch takes up to maxBatch waiting XADDs. It answers those past their
// deadline with errNotSent, and returns the others with the earliest of their
// deadlines: no request waits past its own.
func (p *sharedPipeline) takeBatch() (batch []*queuedXAdd, deadline time.Time) {
	p.mu.Lock()
	n := min(len(p.waiting), maxBatch)
	taken := p.waiting[:n:n]
	p.waiting = p.waiting[n:]
	p.mu.Unlock()
	now := time.Now()
	for _, q := range taken {
		if !now.Before(q.deadline) {
			q.answer("", errNotSent)
			continue
		}
		batch = append(batch, q)
		if deadline.IsZero() || q.deadline.Before(deadline) {
			deadline = q.deadline
		}
	}
	return batch, deadline
}

// batchContext is what a batch is sent under: nothing of the request that
// sends it, but with tracing on its span, so that the pipeline's Redis span
// shows in that request's trace.
func batchContext(request context.Context) context.Context {
	if !tracing.Enabled() {
		return context.Background()
	}
	return context.WithoutCancel(request)
}

func (q *queuedXAdd) answer(entryID string, err error) {
	q.entryID, q.err = entryID, err
	close(q.done)
}

func (q *queuedXAdd) answered() bool {
	select {
	case <-q.done:
		return true
	default:
		return false
	}
}

// entryIDOf is the outcome of one pipelined XADD. It is a success only when
// Redis returned an entry ID: a failed connection handshake (a wrong
// password, say) comes back from Exec alone, and each command then looks
// like ("", nil).
func entryIDOf(cmd *redis.StringCmd, pipeErr error) (string, error) {
	entryID, err := cmd.Result()
	switch {
	case err != nil:
		return "", err
	case entryID != "":
		return entryID, nil
	case pipeErr != nil:
		return "", pipeErr
	default:
		return "", errors.New("Redis returned no entry ID")
	}
}
