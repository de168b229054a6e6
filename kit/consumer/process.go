package consumer

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/redisconn"
)

// handle processes a batch and deals with a failure. It reports whether the
// batch is done; when it is not, its entries are pending, and the caller
// restarts the reader from them (reader.restart).
//
// A fault of Redis (see redisFault) is not the entries' fault: handle waits
// it out and tries the same batch again, however long it takes. Reading the
// batch again instead would count a delivery toward the dead-letter stream
// for each try. Any other failure leaves the batch pending for the "0" pass,
// which counts one: an event that keeps failing ends as a dead letter.
func (c *Consumer) handle(ctx context.Context, b batch) bool {
	if len(b.messages) == 0 {
		c.up() // a read went through and there was nothing to do
		return true
	}
	for {
		err := c.process(ctx, &b)
		if err == nil {
			// Redis is "back" only once a batch went through: a read that
			// works while writes fail is no recovery.
			c.up()
			return true
		}
		if ctx.Err() != nil {
			c.cfg.Log.Warn("could not finish the last batch; it stays pending", "err", err)
			return false
		}
		c.retried.Add(1)
		if !redisFault(err) {
			c.fail(ctx, err) // the batch is pending: the "0" pass reads it again
			return false
		}
		c.wait(ctx, err)
		c.reclaimInHand(ctx, b.messages)
	}
}

// reclaimInHand claims the batch in hand again for this consumer while it
// waits out a fault of Redis. XCLAIM with JUSTID resets the entries' idle
// time and counts no delivery; without it, another instance's XAUTOCLAIM
// would take them over after ClaimMinIdle, counting one each time. (A full
// Redis still serves XAUTOCLAIM and XCLAIM.) wait's backoff stays under
// ClaimMinIdle/2.
func (c *Consumer) reclaimInHand(ctx context.Context, messages []redis.XMessage) {
	ids := make([]string, len(messages))
	for i, m := range messages {
		ids[i] = m.ID
	}
	err := c.rdb.XClaimJustID(context.WithoutCancel(ctx), &redis.XClaimArgs{
		Stream: c.cfg.Stream, Group: c.cfg.Group, Consumer: c.cfg.Consumer, Messages: ids,
	}).Err()
	if err != nil {
		c.cfg.Log.Debug("could not keep the batch in hand", "err", err)
	}
}

// process hands a batch to the handler, then dead-letters and acks. It runs
// to the end even when ctx is cancelled: a batch in hand is finished and
// acked before shutdown.
func (c *Consumer) process(ctx context.Context, b *batch) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), BatchTimeout)
	defer cancel()
	start := time.Now()
	defer func() { c.batches.Observe(time.Since(start).Seconds()) }()

	if b.deliveries == nil {
		var err error
		if b.deliveries, err = c.deliveryCounts(ctx, *b); err != nil {
			return err
		}
		c.observeAges(b.messages, start)
		for _, n := range b.deliveries {
			if n > 1 {
				c.redelivered.Add(1)
			}
		}
	}
	// A batch tried again after a fault of Redis skips the steps it did.
	if !b.handled {
		todo, deadLetters, gone := c.split(b.messages, b.deliveries)
		if len(todo) > 0 {
			result, err := c.cfg.Handler(ctx, todo)
			if err != nil {
				return err
			}
			for _, r := range result.Rejected {
				deadLetters[r.ID] = deadLetter{rejected, r.Reason}
			}
			b.beforeAck = result.BeforeAck
		}
		b.handled, b.deadLetters, b.gone = true, deadLetters, len(gone)
	}
	if !b.deadLettered {
		if err := c.deadLetter(ctx, b.messages, b.deadLetters, b.deliveries); err != nil {
			return err
		}
		b.deadLettered = true
	}
	if err := c.ack(ctx, b); err != nil {
		return err
	}

	c.noteSeen(b.messages)
	for id, d := range b.deadLetters {
		c.cfg.Log.Warn("dead-lettered", "id", id, "reason", d.reason, "to", c.cfg.DeadLetterStream)
		switch d.kind {
		case tooManyDeliveries:
			c.exhausted.Add(1)
		case tooBig:
			c.tooBig.Add(1)
		default:
			c.invalid.Add(1)
		}
	}
	c.processed.Add(int64(len(b.messages) - len(b.deadLetters) - b.gone))
	return nil
}

// deadLetter is why an entry goes to the dead-letter stream: the kind, for
// the counters, and the reason, in one line, for the dead letter and the log.
type deadLetter struct {
	kind   deadLetterKind
	reason string
}

type deadLetterKind int

const (
	rejected          deadLetterKind = iota // the handler refused it (Result.Reject)
	tooManyDeliveries                       // delivered more than MaxDeliveries times
	tooBig                                  // bigger than MaxEntryBytes
)

// split splits a batch into the messages for the handler, the dead letters
// (delivered too often, or too big: with the reason), and those trimmed away
// meanwhile.
func (c *Consumer) split(messages []redis.XMessage, deliveries map[string]int64) (todo []Message, deadLetters map[string]deadLetter, gone []string) {
	deadLetters = map[string]deadLetter{}
	for _, m := range messages {
		n, size := deliveries[m.ID], entrySize(m)
		switch {
		case m.Values == nil:
			// Pending, but trimmed or deleted from the stream: nothing left to do.
			gone = append(gone, m.ID)
		case size > c.cfg.MaxEntryBytes:
			deadLetters[m.ID] = deadLetter{tooBig, fmt.Sprintf("entry too big: %d bytes, more than MAX_ENTRY_BYTES=%d", size, c.cfg.MaxEntryBytes)}
		case n > c.cfg.MaxDeliveries:
			deadLetters[m.ID] = deadLetter{tooManyDeliveries, fmt.Sprintf("delivered %d times, more than MAX_DELIVERIES=%d", n, c.cfg.MaxDeliveries)}
		default:
			todo = append(todo, Message{XMessage: m, Deliveries: n})
		}
	}
	if len(gone) > 0 {
		c.cfg.Log.Warn("pending entries were trimmed before they were processed", "count", len(gone), "first", gone[0])
	}
	return todo, deadLetters, gone
}

// deadLetter writes the dead letters, in one pipeline, before anything is
// acked: an entry is acked only once its dead letter is written. (One
// pipeline with the acks would ack even when the XADD fails, say on a full
// Redis, and the event would be nowhere.)
func (c *Consumer) deadLetter(ctx context.Context, messages []redis.XMessage, deadLetters map[string]deadLetter, deliveries map[string]int64) error {
	if len(deadLetters) == 0 {
		return nil
	}
	_, err := c.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		for _, m := range messages {
			if d, dead := deadLetters[m.ID]; dead {
				pipe.XAdd(ctx, &redis.XAddArgs{
					Stream: c.cfg.DeadLetterStream,
					MaxLen: c.cfg.DeadLetterMaxLen,
					Approx: true,
					Values: c.deadLetterFields(m, d, deliveries[m.ID]),
				})
			}
		}
		return nil
	})
	return err
}

// ack acks the batch: every message, or with HandlerAcks only those the
// handler did not see (dead letters, and entries trimmed away), after the
// handler's BeforeAck writes.
func (c *Consumer) ack(ctx context.Context, b *batch) error {
	var ids []string
	for _, m := range b.messages {
		if _, dead := b.deadLetters[m.ID]; dead || !c.cfg.HandlerAcks || m.Values == nil {
			ids = append(ids, m.ID)
		}
	}
	if _, cluster := redisconn.ClusterOf(c.rdb); cluster && b.beforeAck != nil {
		// A cluster's pipeline sends to each node at once: the XACK could
		// arrive when the writes before it did not.
		if _, err := c.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error { b.beforeAck(pipe); return nil }); err != nil {
			return err
		}
		b.beforeAck = nil
	}
	if len(ids) == 0 && b.beforeAck == nil {
		return nil
	}
	_, err := c.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		if b.beforeAck != nil {
			b.beforeAck(pipe)
		}
		if len(ids) > 0 {
			pipe.XAck(ctx, c.cfg.Stream, c.cfg.Group, ids...)
		}
		return nil
	})
	return err
}

// deadLetterFields keeps the original fields, then says where the entry came
// from and why it was set aside.
func (c *Consumer) deadLetterFields(m redis.XMessage, d deadLetter, deliveries int64) []string {
	fields := make([]string, 0, 2*len(m.Values)+12)
	// go-redis hands the fields over as a map: sort them, so that dead
	// letters read the same each time. A big entry's fields stay in the
	// stream, under dlq.entryId, until it is trimmed.
	for _, k := range slices.Sorted(maps.Keys(m.Values)) {
		if d.kind == tooBig {
			break
		}
		fields = append(fields, k, fmt.Sprint(m.Values[k]))
	}
	return append(fields,
		"dlq.reason", d.reason,
		"dlq.stream", c.cfg.Stream,
		"dlq.entryId", m.ID,
		"dlq.group", c.cfg.Group,
		"dlq.consumer", c.cfg.Consumer,
		"dlq.deliveries", strconv.FormatInt(deliveries, 10),
	)
}

// deliveryCounts says how often each entry has been delivered: 1 for new
// entries, what XPENDING says for redelivered ones.
func (c *Consumer) deliveryCounts(ctx context.Context, b batch) (map[string]int64, error) {
	counts := make(map[string]int64, len(b.messages))
	for _, m := range b.messages {
		counts[m.ID] = 1
	}
	if !b.redelivered {
		return counts, nil
	}
	pending, err := c.rdb.XPendingExt(ctx, &redis.XPendingExtArgs{
		Stream: c.cfg.Stream,
		Group:  c.cfg.Group,
		Start:  b.messages[0].ID,
		End:    b.messages[len(b.messages)-1].ID,
		// Slack for our own pending entries that fall in the range but not in the batch.
		Count:    2 * int64(len(b.messages)),
		Consumer: c.cfg.Consumer,
	}).Result()
	if err != nil {
		return nil, err
	}
	for _, p := range pending {
		if _, ok := counts[p.ID]; ok && p.RetryCount > 0 {
			counts[p.ID] = p.RetryCount
		}
	}
	return counts, nil
}
