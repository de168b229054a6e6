package main

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/events"
)

// batchingPublisher is an optimisation of one XADD per order: concurrent
// requests share round trips to Redis. Handlers hand their order to one
// goroutine, which sends all the XADDs waiting at that moment in a single
// pipeline: Redis then reads and answers them with one system call each way
// instead of one per order. Under light load a batch is one order and nothing
// waits; under heavy load batches grow by themselves, while the previous
// pipeline is on the wire.
type batchingPublisher struct {
	redis    redis.UniversalClient
	maxLen   int64
	requests chan *publishRequest
}

type publishRequest struct {
	fields   []string
	deadline time.Time // the handler's: past it, an order not yet sent is not sent
	// claimed is set once, by the publisher when it sends the order, or by the
	// handler when it gives up first. So a handler knows whether its order
	// reached the wire, and the publisher never sends one already answered.
	claimed atomic.Bool
	result  chan publishResult // buffered: the publisher never waits on a handler
}

type publishResult struct {
	entryID string
	err     error
}

// maxBatch bounds one pipeline, so that one batch never holds Redis for long.
const maxBatch = 256

// errNotSent is the failure of an order that never left the service: it
// waited its whole publishTimeout for an earlier pipeline to finish.
var errNotSent = errors.New("not sent: the pipeline to Redis was busy until the deadline")

func newBatchingPublisher(client redis.UniversalClient, maxLen int64) *batchingPublisher {
	return &batchingPublisher{redis: client, maxLen: maxLen, requests: make(chan *publishRequest, maxBatch)}
}

// Publish adds one order to order-events and returns its entry ID. It waits
// at most publishTimeout, queueing included. A failure is errNotSent, Redis's
// error, or errNoEntryID.
func (p *batchingPublisher) Publish(ctx context.Context, order events.Order) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	deadline, _ := ctx.Deadline()
	r := &publishRequest{fields: order.Fields(), deadline: deadline, result: make(chan publishResult, 1)}
	select {
	case p.requests <- r:
	case <-ctx.Done():
		return "", errNotSent
	}
	select {
	case res := <-r.result:
		return res.entryID, res.err
	case <-ctx.Done():
		if r.claimed.CompareAndSwap(false, true) {
			return "", errNotSent
		}
		// It is on the wire: the pipeline's deadline, no later than ours,
		// bounds this wait, and its result says what happened.
		res := <-r.result
		return res.entryID, res.err
	}
}

// run sends batches until ctx is done. It is done after the HTTP server has
// finished its requests, so no handler is left waiting.
func (p *batchingPublisher) run(ctx context.Context) {
	for {
		var first *publishRequest
		select {
		case <-ctx.Done():
			return
		case first = <-p.requests:
		}
		batch := []*publishRequest{first}
	gather:
		for len(batch) < maxBatch {
			select {
			case r := <-p.requests:
				batch = append(batch, r)
			default:
				break gather
			}
		}
		p.send(batch)
	}
}

// send XADDs a batch in one pipeline, each trimmed with MAXLEN ~ (whole nodes
// only, which is much cheaper than an exact trim), and answers each request.
func (p *batchingPublisher) send(batch []*publishRequest) {
	live := batch[:0]
	var deadline time.Time
	for _, r := range batch {
		if !r.claimed.CompareAndSwap(false, true) {
			continue // its handler gave up while it queued, and answered "not written"
		}
		if !time.Now().Before(r.deadline) {
			r.result <- publishResult{err: errNotSent}
			continue
		}
		live = append(live, r)
		if deadline.IsZero() || r.deadline.Before(deadline) {
			deadline = r.deadline
		}
	}
	batch = live
	if len(batch) == 0 {
		return
	}
	// No request waits past its own deadline.
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	cmds := make([]*redis.StringCmd, len(batch))
	// A pipeline's own error must be checked: a failed connection handshake
	// (a wrong password, say) is returned here and not set on each command,
	// whose reply then looks like ("", nil).
	_, pipeErr := p.redis.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		for i, r := range batch {
			cmds[i] = pipe.XAdd(ctx, &redis.XAddArgs{
				Stream: events.OrderStream,
				MaxLen: p.maxLen,
				Approx: true,
				Values: r.fields,
			})
		}
		return nil
	})
	for i, r := range batch {
		entryID, err := entryIDOf(cmds[i], pipeErr)
		r.result <- publishResult{entryID, err}
	}
}

// entryIDOf is the outcome of one pipelined XADD. It is a success only when
// Redis returned an entry ID.
func entryIDOf(cmd *redis.StringCmd, pipeErr error) (string, error) {
	entryID, err := cmd.Result()
	switch {
	case err != nil:
		return "", err
	case entryID != "":
		return entryID, nil
	case pipeErr != nil:
		return "", pipeErr // a failed handshake is not set on each command
	default:
		return "", errors.New("Redis returned no entry ID")
	}
}
