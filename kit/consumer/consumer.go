// Package consumer reads a stream as a member of a consumer group, with the
// delivery rules the tutorial's Spring services lack. It is lesson 03's
// XREADGROUP, XACK and XAUTOCLAIM, run in a loop that survives crashes,
// poison events and a Redis that goes away:
//
//   - Acks are explicit and come after processing: at-least-once delivery.
//     (Spring's receiveAutoAck reads with NOACK: an event in flight when the
//     consumer dies is lost.)
//   - On start, and after a failure of the handler, it first reads its own
//     pending entries (ID 0), then new ones (>). (read.go)
//   - An entry delivered more than MaxDeliveries times, or one the handler
//     rejects, goes to a dead-letter stream with the reason, and is acked, so
//     one poison event cannot block the group. (process.go)
//   - XAUTOCLAIM, on a timer, takes over entries that other consumers left
//     idle for longer than ClaimMinIdle: a dead consumer's work is not stuck.
//     (recover.go)
//   - When Redis fails it backs off, says so once per outage (and on
//     /healthz, in plain words), and carries on. A fault of Redis itself (OOM,
//     a lost connection, READONLY, LOADING, a timeout) is waited out with the
//     batch in hand: it is not the event's fault, and never counts as a
//     delivery toward the dead-letter stream. (recover.go, faults.go)
//   - The group is created with MKSTREAM (BUSYGROUP is fine) and created
//     again after NOGROUP, as after a Redis restart without persistence.
//     (group.go)
//   - With Config.InFlight above 1, batches of new entries are handled at
//     once, so that Redis need not wait for this process between two
//     batches. (flight.go)
//   - When ctx is cancelled it stops reading, finishes and acks the batch in
//     hand, and returns.
//
// The package example shows the smallest service built on it: a handler.
package consumer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/tracing"
)

// BatchTimeout bounds the processing of one batch, handler included. A batch
// that takes longer fails and is tried again, so a handler must finish well
// within it; it also bounds how long shutdown waits for the batch in hand.
const BatchTimeout = 30 * time.Second

// Defaults of Config, and of the services' settings (SettingsFromEnv).
const (
	// DefaultCount is the batch size: a backlog drains faster with 300 than
	// with 100 (docs/performance.md).
	DefaultCount            = 300
	DefaultBlock            = time.Second
	DefaultClaimMinIdle     = 30 * time.Second
	DefaultMaxDeliveries    = 5
	DefaultDeadLetterMaxLen = 100_000
	// DefaultMaxEntryBytes bounds one entry's fields and values: an order is
	// under 1 KiB, and order-service takes bodies of at most 64 KiB.
	DefaultMaxEntryBytes = 64 << 10
)

// MaxCount is the largest Count: a handler may pass a whole batch to one
// Redis command from Lua, whose unpack takes at most about 8,000 values.
const MaxCount = 5000

// MinClaimMinIdle is the least ClaimMinIdle a consumer accepts: below it,
// a batch that is merely slow would be taken over again and again.
const MinClaimMinIdle = time.Second

// MaxBlock is the longest Config.Block: a blocking read is not cancelled by
// its context, so this is also how long shutdown may wait for it.
const MaxBlock = 2 * time.Second

// Message is one stream entry with the number of times it has been delivered
// (1 on its first delivery).
type Message struct {
	redis.XMessage
	Deliveries int64
	// Traceparent, with tracing on, is the traceparent of the span handling
	// the entry (trace.go): an event written on its account carries it on.
	// "" when tracing is off or the entry has no traceparent field.
	Traceparent string
}

// Result is what a handler made of a batch.
type Result struct {
	// Rejected lists the entries the handler refused, and why. They go to
	// the dead-letter stream with the reason; every other entry is acked.
	Rejected []Rejection
	// BeforeAck, if set, queues the handler's last writes (a "done" mark,
	// say) in the pipeline that acks the batch, ahead of the XACK: one round
	// trip, not two. They are sent again if the ack must be, so they must be
	// idempotent. On a Redis Cluster they go first, in a pipeline of their own.
	BeforeAck func(pipe redis.Pipeliner)
}

// Rejection is one refused entry: its ID, and the reason, in one line.
type Rejection struct {
	ID     string
	Reason string
}

// Reject adds a rejection to the result.
func (r *Result) Reject(id, reason string) {
	r.Rejected = append(r.Rejected, Rejection{ID: id, Reason: reason})
}

// Handler processes a batch. When it returns an error (Redis is down, say)
// nothing is acked and the batch is tried again, so a handler must be
// idempotent. With Config.InFlight above 1 it may run for several batches at
// once.
type Handler func(ctx context.Context, batch []Message) (Result, error)

// Config says what to read and how.
type Config struct {
	Stream   string
	Group    string
	Consumer string

	// Count is the batch size of each read (default DefaultCount, 300; at
	// most MaxCount).
	Count int64
	// Block bounds each blocking read (default 1s, at most MaxBlock). A
	// blocking read is not cancelled by its context, so this is also how long
	// shutdown may wait.
	Block time.Duration
	// ClaimMinIdle is how long an entry must sit unacked before another
	// consumer may take it over (default 30s, at least MinClaimMinIdle).
	ClaimMinIdle time.Duration
	// MaxDeliveries is how many deliveries an entry gets before it is
	// dead-lettered (default 5).
	MaxDeliveries int64
	// DeadLetterStream receives rejected and undeliverable entries
	// (default: events.DeadLetterStream of Stream and Group).
	DeadLetterStream string
	// Writes names the streams the handler writes to, if any: /metrics shows
	// their length beside the stream read (stream_length_entries).
	Writes []string
	// DeadLetterMaxLen bounds the dead-letter stream (MAXLEN ~; default 100000).
	DeadLetterMaxLen int64
	// MaxEntryBytes bounds an entry's size, its fields and values together
	// (default DefaultMaxEntryBytes). A bigger entry is dead-lettered without
	// its fields, and the reads that follow take fewer entries, so that a
	// batch holds about Count × MaxEntryBytes at most.
	MaxEntryBytes int64
	// InFlight is how many batches of new entries are processed at once
	// (default 1). Above 1, the next batch is handled while the last one's
	// Redis calls run, so that one Redis does not wait for this process
	// between them; batches may then finish out of order. Redelivered
	// entries, claims and shutdown wait for every batch in flight.
	InFlight int64
	// IdleDelete, when over 0, removes the group's consumers that have no
	// pending entries and have been idle longer than this (see DefaultIdleDelete).
	IdleDelete time.Duration

	Handler Handler
	// HandlerAcks says the handler acks the messages it accepts itself, in
	// the same atomic step as its work. The consumer then acks only the
	// messages it dead-letters.
	HandlerAcks bool
	// ReplayLostGroup: after NOGROUP, create the group again at the stream's
	// start, and deliver every entry again (see recreateGroup).
	ReplayLostGroup bool
	Log             *slog.Logger
}

// Consumer is one member of a consumer group.
type Consumer struct {
	cfg Config
	rdb redis.UniversalClient

	processed   atomic.Int64
	redelivered atomic.Int64 // entries received more than once
	claimed     atomic.Int64
	retried     atomic.Int64
	invalid     atomic.Int64 // dead-lettered: the handler rejected them
	exhausted   atomic.Int64 // dead-lettered: delivered more than MaxDeliveries times
	tooBig      atomic.Int64 // dead-lettered: over MaxEntryBytes
	removed     atomic.Int64 // idle consumers removed from the group
	batches     prometheus.Histogram
	ages        prometheus.Histogram // each entry's age when taken in hand

	running   atomic.Bool  // Run is running: for /readyz
	heartbeat atomic.Int64 // when the loop last turned, in Unix ns: for /livez

	// trimmed is the group's count of entries trimmed before delivery, as
	// last worked out (State), or -1 while unknown.
	trimmed       atomic.Int64
	trimmedLogged int64 // the count last logged (only the Run loop touches it)

	count atomic.Int64 // entries per read: Count, less after a batch of big entries

	outage   outage
	seenMu   sync.Mutex // batches in flight note what they processed at once
	lastSeen string     // the greatest entry ID processed, where a lost group restarts
}

// Stats are a consumer's counters since it started.
type Stats struct {
	Processed    int64 `json:"processed"`
	DeadLettered int64 `json:"deadLettered"`
	Claimed      int64 `json:"claimed"`
	// Retried counts the tries of a batch that failed, Redis's faults included.
	Retried int64 `json:"retried"`
}

// New checks the configuration and fills in defaults.
func New(rdb redis.UniversalClient, cfg Config) (*Consumer, error) {
	if cfg.Stream == "" || cfg.Group == "" || cfg.Consumer == "" || cfg.Handler == nil {
		return nil, errors.New("consumer: Stream, Group, Consumer and Handler are required")
	}
	orDefault(&cfg.Count, DefaultCount)
	orDefault(&cfg.Block, DefaultBlock)
	orDefault(&cfg.ClaimMinIdle, DefaultClaimMinIdle)
	orDefault(&cfg.MaxDeliveries, DefaultMaxDeliveries)
	orDefault(&cfg.DeadLetterMaxLen, DefaultDeadLetterMaxLen)
	orDefault(&cfg.MaxEntryBytes, DefaultMaxEntryBytes)
	orDefault(&cfg.InFlight, 1)
	if cfg.Count > MaxCount {
		return nil, fmt.Errorf("consumer: Count %d is above MaxCount (%d)", cfg.Count, MaxCount)
	}
	if cfg.Block > MaxBlock {
		return nil, fmt.Errorf("consumer: Block %v is above MaxBlock (%v)", cfg.Block, MaxBlock)
	}
	if cfg.ClaimMinIdle < MinClaimMinIdle {
		return nil, fmt.Errorf("consumer: ClaimMinIdle %v is below MinClaimMinIdle (%v)", cfg.ClaimMinIdle, MinClaimMinIdle)
	}
	if cfg.DeadLetterStream == "" {
		cfg.DeadLetterStream = events.DeadLetterStream(cfg.Stream, cfg.Group)
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	cfg.Log = cfg.Log.With("stream", cfg.Stream, "group", cfg.Group, "consumer", cfg.Consumer)
	if tracing.Enabled() {
		cfg.Handler = traced(cfg.Stream, cfg.Group, cfg.Handler) // trace.go
	}
	c := &Consumer{cfg: cfg, rdb: rdb, batches: newBatchHistogram(cfg), ages: newAgeHistogram(cfg)}
	c.trimmed.Store(-1)
	c.count.Store(cfg.Count)
	return c, nil
}

func orDefault[T int64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// Stats returns the counters.
func (c *Consumer) Stats() Stats {
	return Stats{Processed: c.processed.Load(), DeadLettered: c.invalid.Load() + c.exhausted.Load() + c.tooBig.Load(),
		Claimed: c.claimed.Load(), Retried: c.retried.Load()}
}

// Run reads until ctx is cancelled. It returns nil after a clean stop; it
// never gives up on Redis.
func (c *Consumer) Run(ctx context.Context) error {
	c.markAlive()
	c.running.Store(true)
	defer c.running.Store(false)
	if c.cfg.IdleDelete > 0 {
		done := make(chan struct{})
		go func() { c.removeIdle(ctx); close(done) }()
		defer func() { <-done }()
	}
	c.createGroup(ctx)
	r := c.newReader()
	defer r.stop()
	f := c.newFlight(ctx)
	defer f.stop()
	claimAt := time.Now() // at once: a dead instance's entries need not wait
	for ctx.Err() == nil {
		c.markAlive()
		if f.failed.Load() {
			f.waitAll(r) // a batch in flight failed: read the pending entries next
		}
		if time.Now().After(claimAt) {
			// The batches in flight and the one read ahead are ours already,
			// and would look idle to XAUTOCLAIM after a slow batch: finish
			// them first.
			f.waitAll(r)
			c.finishAhead(ctx, r)
			c.claim(ctx, r)
			c.noteTrimmed(ctx)
			claimAt = time.Now().Add(c.claimEvery())
		}
		b, err := r.next(ctx)
		if err != nil {
			f.waitAll(r)
			r.restart()
			c.fail(ctx, err)
			continue
		}
		f.start(ctx, r, b)
	}
	f.waitAll(r)
	c.finishAhead(ctx, r) // entries read ahead are the batch in hand too
	c.cfg.Log.Info("consumer stopped", "processed", c.processed.Load())
	return nil
}

// finishAhead processes the batch read ahead, if any.
func (c *Consumer) finishAhead(ctx context.Context, r *reader) {
	b, err := r.takeAhead()
	if err != nil {
		c.fail(ctx, err)
		return
	}
	if len(b.messages) > 0 && !c.handle(ctx, b) {
		r.restart()
	}
}

// outage is the state of an outage of Redis, shared with /healthz.
type outage struct {
	sync.Mutex
	since   time.Time // zero while Redis answers
	down    bool      // a PING failed too: Redis itself is unavailable
	problem string    // what is wrong, in plain words
	backoff time.Duration
}
