package main

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/events"
)

// publisher lets concurrent requests share round trips to Redis. Handlers
// hand their XADD to one goroutine, which sends all the XADDs waiting at that
// moment in a single pipeline: Redis then reads and answers them with one
// system call each way instead of one per order. Under light load a batch is
// one order and nothing waits; under heavy load batches grow by themselves,
// while the previous pipeline is on the wire.
type publisher struct {
	redis    redis.UniversalClient
	maxLen   int64
	requests chan publishRequest
}

type publishRequest struct {
	fields   []string
	deadline time.Time          // past it, the handler has answered 503: do not publish
	result   chan publishResult // buffered: the publisher never waits on a handler
}

type publishResult struct {
	entryID string
	err     error
}

// maxBatch bounds one pipeline, so that one batch never holds Redis for long.
const maxBatch = 256

func newPublisher(client redis.UniversalClient, maxLen int64) *publisher {
	return &publisher{redis: client, maxLen: maxLen, requests: make(chan publishRequest, maxBatch)}
}

// run sends batches until ctx is done. It is done after the HTTP server has
// finished its requests, so no handler is left waiting.
func (p *publisher) run(ctx context.Context) {
	for {
		var first publishRequest
		select {
		case <-ctx.Done():
			return
		case first = <-p.requests:
		}
		batch := []publishRequest{first}
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
func (p *publisher) send(batch []publishRequest) {
	// A request whose handler gave up while it queued is dropped: its client
	// was told the order was not published, and that must stay true.
	live := batch[:0]
	for _, r := range batch {
		if time.Now().Before(r.deadline) {
			live = append(live, r)
		} else {
			r.result <- publishResult{err: context.DeadlineExceeded}
		}
	}
	batch = live
	if len(batch) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), publishTimeout)
	defer cancel()
	cmds := make([]*redis.StringCmd, len(batch))
	p.redis.Pipelined(ctx, func(pipe redis.Pipeliner) error {
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
		entryID, err := cmds[i].Result()
		r.result <- publishResult{entryID, err}
	}
}

// publish adds one order's fields to order-events and returns the entry ID.
// It waits at most publishTimeout, queueing included.
func (p *publisher) publish(ctx context.Context, fields []string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	deadline, _ := ctx.Deadline()
	r := publishRequest{fields: fields, deadline: deadline, result: make(chan publishResult, 1)}
	select {
	case p.requests <- r:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	select {
	case res := <-r.result:
		return res.entryID, res.err
	case <-ctx.Done():
		// The XADD may still happen: as with any timeout, the client cannot
		// know, and a retry is a new order with a new orderId.
		return "", ctx.Err()
	}
}
