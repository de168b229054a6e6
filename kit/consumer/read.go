package consumer

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// batch is what one read returns.
type batch struct {
	messages []redis.XMessage
	// redelivered: read from this consumer's pending entries, or claimed.
	// Their delivery counts come from XPENDING; a new entry's count is 1.
	redelivered bool

	// What process did so far, kept when the batch is tried again.
	deliveries   map[string]int64
	handled      bool                  // the handler accepted the batch
	deadLetters  map[string]deadLetter // by entry ID
	beforeAck    func(redis.Pipeliner) // Result.BeforeAck
	gone         int                   // entries trimmed away before they were processed
	deadLettered bool                  // the dead letters are written
}

// reader reads this consumer's entries: first its own pending ones (ID 0),
// left by a crash or a failed batch, then new ones (>). While a batch of new
// entries is processed, the next one is read: the round trips overlap, and
// Redis is kept busy.
//
// One goroutine reads ahead for as long as Run runs. A goroutine per read
// would start each time on a small stack and grow it, which cost much of a
// payment-service's CPU at ordinary load (docs/performance.md).
type reader struct {
	c *Consumer
	// cursor is "0" and then the last ID seen while paging through our own
	// pending entries; ">" once they are done.
	cursor   string
	requests chan context.Context // to the goroutine that reads ahead
	results  chan readResult
	ahead    bool // a read of new entries is in flight
}

type readResult struct {
	messages []redis.XMessage
	err      error
}

// newReader starts the goroutine that reads ahead; stop ends it.
func (c *Consumer) newReader() *reader {
	r := &reader{c: c, cursor: "0", requests: make(chan context.Context), results: make(chan readResult, 1)}
	go func() {
		for ctx := range r.requests {
			messages, err := entries(c.xreadgroup(ctx, ">", c.cfg.Block))
			c.fitCount(messages)
			r.results <- readResult{messages: messages, err: err}
		}
	}()
	return r
}

// stop ends the goroutine that reads ahead, once no read is in flight.
func (r *reader) stop() { close(r.requests) }

// next returns the next batch; it is empty when there was nothing to read.
func (r *reader) next(ctx context.Context) (batch, error) {
	if r.cursor != ">" {
		messages, err := r.c.readPending(ctx, r.cursor)
		if err != nil {
			return batch{}, err
		}
		if len(messages) == 0 {
			r.cursor = ">" // our pending entries are done: read new ones
			return batch{}, nil
		}
		r.cursor = messages[len(messages)-1].ID
		return batch{messages: messages, redelivered: true}, nil
	}
	if !r.ahead {
		r.readAhead(ctx)
	}
	res := r.takeResult()
	if res.err == nil && len(res.messages) > 0 && ctx.Err() == nil {
		r.readAhead(ctx)
	}
	return batch{messages: res.messages}, res.err
}

// takeAhead waits for the read in flight, if any, and returns its batch.
func (r *reader) takeAhead() (batch, error) {
	if !r.ahead {
		return batch{}, nil
	}
	res := r.takeResult()
	if res.err != nil {
		r.cursor = "0" // a read whose reply was lost may have delivered entries
	}
	return batch{messages: res.messages}, res.err
}

// restart makes the reader start again from our own pending entries, where
// the entries of a failed batch and of a read whose reply was lost are.
func (r *reader) restart() {
	if r.ahead {
		r.takeResult() // its entries are ours and pending: the "0" pass reads them
	}
	r.cursor = "0"
}

// readAhead starts a read of new entries in the background.
func (r *reader) readAhead(ctx context.Context) {
	r.requests <- ctx
	r.ahead = true
}

// takeResult waits for the read in flight.
func (r *reader) takeResult() readResult {
	res := <-r.results
	r.ahead = false
	return res
}

// readPending pages through this consumer's pending entries from cursor;
// it never blocks.
func (c *Consumer) readPending(ctx context.Context, cursor string) ([]redis.XMessage, error) {
	messages, err := entries(c.xreadgroup(ctx, cursor, -1)) // -1: no BLOCK argument
	c.fitCount(messages)
	return messages, err
}

// xreadgroup reads one batch from cursor. The read must not be cut by ctx:
// go-redis would drop the connection mid-reply. block bounds it instead.
func (c *Consumer) xreadgroup(ctx context.Context, cursor string, block time.Duration) *redis.XStreamSliceCmd {
	return c.rdb.XReadGroup(context.WithoutCancel(ctx), &redis.XReadGroupArgs{
		Group:    c.cfg.Group,
		Consumer: c.cfg.Consumer,
		Streams:  []string{c.cfg.Stream, cursor},
		Count:    c.count.Load(),
		Block:    block,
	})
}

// fitCount sets the entries per read from a batch's size: fewer after a
// batch over Count × MaxEntryBytes, back up to Count, doubling, after
// smaller ones. Big entries are dead-lettered (split); this bounds the
// memory the reads that bring them take.
func (c *Consumer) fitCount(messages []redis.XMessage) {
	if len(messages) == 0 {
		return
	}
	var size int64
	for _, m := range messages {
		size += entrySize(m)
	}
	budget := c.cfg.Count * c.cfg.MaxEntryBytes
	if size > budget {
		c.count.Store(max(1, budget/(size/int64(len(messages))+1)))
	} else if n := c.count.Load(); n < c.cfg.Count && size < budget/2 {
		c.count.Store(min(c.cfg.Count, 2*n))
	}
}

// entrySize is the bytes of an entry's fields and values.
func entrySize(m redis.XMessage) int64 {
	var size int64
	for k, v := range m.Values {
		size += int64(len(k))
		if s, ok := v.(string); ok {
			size += int64(len(s))
		}
	}
	return size
}

// entries is what a read returned: none when it timed out.
func entries(read *redis.XStreamSliceCmd) ([]redis.XMessage, error) {
	streams, err := read.Result()
	if errors.Is(err, redis.Nil) || (err == nil && len(streams) == 0) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return streams[0].Messages, nil
}
