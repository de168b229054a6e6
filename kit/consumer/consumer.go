// Package consumer reads a stream as a member of a consumer group, with the
// delivery rules the tutorial's Spring services lack:
//
//   - Acks are explicit and come after processing: at-least-once delivery.
//     (Spring's receiveAutoAck reads with NOACK: an event in flight when the
//     consumer dies is lost.)
//   - On start, and after any failure, it first reads its own pending entries
//     (ID 0), then new ones (>).
//   - XAUTOCLAIM, on a timer, takes over entries that other consumers left
//     idle for longer than ClaimMinIdle: a dead consumer's work is not stuck.
//   - An entry delivered more than MaxDeliveries times, or one the handler
//     rejects as invalid, goes to a dead-letter stream with the reason, and is
//     acked, so one poison event cannot block the group.
//   - The group is created with MKSTREAM (BUSYGROUP is fine) and created
//     again after NOGROUP, as after a Redis restart without persistence.
//   - When Redis is down it backs off, says so once per outage, and carries on.
//   - When ctx is cancelled it stops reading, finishes and acks the batch in
//     hand, and returns.
package consumer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/events"
)

// BatchTimeout bounds the processing of one batch, handler included. A batch
// that takes longer fails and is delivered again, so a handler must finish
// well within it; it also bounds how long shutdown waits for the batch in hand.
const BatchTimeout = 30 * time.Second

// Message is one stream entry with the number of times it has been delivered
// (1 on its first delivery).
type Message struct {
	redis.XMessage
	Deliveries int64
}

// Handler processes a batch. It returns the reason for each message it
// rejects, keyed by entry ID: those go to the dead-letter stream. Every other
// message is acked. When it returns an error (Redis is down, say) nothing is
// acked, and the whole batch is delivered again later, so a handler must be
// idempotent.
type Handler func(ctx context.Context, batch []Message) (rejected map[string]string, err error)

// Config says what to read and how.
type Config struct {
	Stream   string
	Group    string
	Consumer string

	// Count is the batch size of each read (default 100; the services use 300).
	Count int64
	// Block bounds each blocking read (default 1s). A blocking read is not
	// cancelled by its context, so this is also how long shutdown may wait.
	Block time.Duration
	// ClaimMinIdle is how long an entry must sit unacked before another
	// consumer may take it over (default 30s).
	ClaimMinIdle time.Duration
	// MaxDeliveries is how many deliveries an entry gets before it is
	// dead-lettered (default 5).
	MaxDeliveries int64
	// DeadLetterStream receives rejected and undeliverable entries
	// (default: events.DeadLetterStream of Stream and Group).
	DeadLetterStream string
	// DeadLetterMaxLen bounds the dead-letter stream (MAXLEN ~; default 100000).
	DeadLetterMaxLen int64

	Handler Handler
	// HandlerAcks says the handler acks the messages it accepts itself, in
	// the same atomic step as its work. The consumer then acks only the
	// messages it dead-letters.
	HandlerAcks bool
	Log         *slog.Logger
}

// Consumer is one member of a consumer group.
type Consumer struct {
	cfg Config
	rdb redis.UniversalClient

	processed    atomic.Int64
	deadLettered atomic.Int64
	claimed      atomic.Int64

	downSince time.Time // zero while Redis answers
	backoff   time.Duration
	lastSeen  string // the greatest entry ID processed, where a lost group restarts

}

// Stats are a consumer's counters since it started.
type Stats struct {
	Processed    int64 `json:"processed"`
	DeadLettered int64 `json:"deadLettered"`
	Claimed      int64 `json:"claimed"`
}

// New checks the configuration and fills in defaults.
func New(rdb redis.UniversalClient, cfg Config) (*Consumer, error) {
	if cfg.Stream == "" || cfg.Group == "" || cfg.Consumer == "" || cfg.Handler == nil {
		return nil, errors.New("consumer: Stream, Group, Consumer and Handler are required")
	}
	if cfg.Count <= 0 {
		cfg.Count = 100
	}
	if cfg.Block <= 0 {
		cfg.Block = time.Second
	}
	if cfg.ClaimMinIdle <= 0 {
		cfg.ClaimMinIdle = 30 * time.Second
	}
	if cfg.MaxDeliveries <= 0 {
		cfg.MaxDeliveries = 5
	}
	if cfg.DeadLetterStream == "" {
		cfg.DeadLetterStream = events.DeadLetterStream(cfg.Stream, cfg.Group)
	}
	if cfg.DeadLetterMaxLen <= 0 {
		cfg.DeadLetterMaxLen = 100_000
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	cfg.Log = cfg.Log.With("stream", cfg.Stream, "group", cfg.Group, "consumer", cfg.Consumer)
	return &Consumer{cfg: cfg, rdb: rdb}, nil
}

// Config returns the configuration in use, defaults filled in.
func (c *Consumer) Config() Config { return c.cfg }

// Stats returns the counters.
func (c *Consumer) Stats() Stats {
	return Stats{Processed: c.processed.Load(), DeadLettered: c.deadLettered.Load(), Claimed: c.claimed.Load()}
}

// Run reads until ctx is cancelled. It returns nil after a clean stop; it
// never gives up on Redis.
func (c *Consumer) Run(ctx context.Context) error {
	for ctx.Err() == nil {
		if err := c.CreateGroup(ctx); err != nil {
			c.wait(ctx, err)
			continue
		}
		c.up()
		break
	}

	// The loop's cursor: "0" and then the last ID seen while we page through
	// our own pending entries; ">" once they are done.
	cursor := "0"
	// Claim right away: entries a dead instance left behind need not wait.
	nextClaim := time.Now()
	// While a batch of new entries is processed, the next one is read: the
	// round trips overlap, and Redis is kept busy.
	var ahead <-chan readResult
	for ctx.Err() == nil {
		if !time.Now().Before(nextClaim) {
			// Finish the batch read ahead first: it is ours already, and would
			// look idle to XAUTOCLAIM after a slow batch.
			if ahead != nil {
				r := <-ahead
				ahead = nil
				if r.err == nil && len(r.messages) > 0 {
					if err := c.process(ctx, r.messages, false); err != nil {
						c.fail(ctx, err)
						cursor = "0"
						continue
					}
				}
			}
			if err := c.claim(ctx); err != nil {
				c.fail(ctx, err)
				continue
			}
			nextClaim = time.Now().Add(c.claimEvery())
		}

		var messages []redis.XMessage
		var err error
		if cursor == ">" {
			if ahead == nil {
				ahead = c.readAsync(ctx)
			}
			r := <-ahead
			ahead = nil
			messages, err = r.messages, r.err
			if err == nil && len(messages) > 0 && ctx.Err() == nil {
				ahead = c.readAsync(ctx)
			}
		} else {
			messages, err = c.read(ctx, cursor)
		}
		if err != nil {
			c.fail(ctx, err)
			cursor = "0" // after a failure, start again from our own pending entries
			continue
		}
		if cursor != ">" && len(messages) == 0 {
			cursor = ">" // our pending entries are done: read new ones
			c.up()
			continue
		}
		if len(messages) == 0 {
			c.up()
			continue // the block timed out
		}
		if err := c.process(ctx, messages, cursor != ">"); err != nil {
			if ahead != nil {
				<-ahead // its entries are ours and pending: the "0" pass rereads them
				ahead = nil
			}
			c.fail(ctx, err)
			cursor = "0"
			continue
		}
		// Redis is "back" only once a batch went through: a read that works
		// while processing fails is no recovery.
		c.up()
		if cursor != ">" {
			cursor = messages[len(messages)-1].ID
		}
	}
	if ahead != nil {
		// Entries read ahead are the batch in hand too: finish them.
		if r := <-ahead; r.err == nil && len(r.messages) > 0 {
			if err := c.process(ctx, r.messages, false); err != nil {
				c.cfg.Log.Warn("could not finish the last batch; it stays pending", "err", err)
			}
		}
	}
	c.cfg.Log.Info("consumer stopped", "processed", c.processed.Load())
	return nil
}

type readResult struct {
	messages []redis.XMessage
	err      error
}

// readAsync reads new entries in the background.
func (c *Consumer) readAsync(ctx context.Context) <-chan readResult {
	result := make(chan readResult, 1)
	go func() {
		messages, err := c.read(ctx, ">")
		result <- readResult{messages, err}
	}()
	return result
}

// claimEvery is how often XAUTOCLAIM runs: often enough that an idle entry
// waits at most about 1.5 × ClaimMinIdle, and never more than every 10s.
func (c *Consumer) claimEvery() time.Duration {
	return min(max(c.cfg.ClaimMinIdle/2, 100*time.Millisecond), 10*time.Second)
}

// CreateGroup creates the group at the start of the stream, and the stream if
// needed. A group that already exists (BUSYGROUP) is fine.
//
// It starts at 0, not $, so that orders placed before the service's first
// start are processed too: nothing is lost, and handlers are idempotent.
func (c *Consumer) CreateGroup(ctx context.Context) error {
	return c.createGroupAt(ctx, "0")
}

func (c *Consumer) createGroupAt(ctx context.Context, id string) error {
	err := c.rdb.XGroupCreateMkStream(ctx, c.cfg.Stream, c.cfg.Group, id).Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return err
	}
	return nil
}

// read fetches one batch. With cursor ">" it blocks for new entries; else it
// pages through this consumer's pending entries, which never blocks.
func (c *Consumer) read(ctx context.Context, cursor string) ([]redis.XMessage, error) {
	block := time.Duration(-1) // -1: no BLOCK argument
	if cursor == ">" {
		block = c.cfg.Block
	}
	// The read must not be cut by ctx: go-redis would drop the connection
	// mid-reply. Block bounds it instead.
	streams, err := c.rdb.XReadGroup(context.WithoutCancel(ctx), &redis.XReadGroupArgs{
		Group:    c.cfg.Group,
		Consumer: c.cfg.Consumer,
		Streams:  []string{c.cfg.Stream, cursor},
		Count:    c.cfg.Count,
		Block:    block,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if len(streams) == 0 {
		return nil, nil
	}
	return streams[0].Messages, nil
}

// claim takes over entries idle for longer than ClaimMinIdle, in pages, and
// processes them. A bounded number of pages per tick keeps new entries moving.
func (c *Consumer) claim(ctx context.Context) error {
	start := "0-0"
	for range 10 {
		messages, next, err := c.rdb.XAutoClaim(context.WithoutCancel(ctx), &redis.XAutoClaimArgs{
			Stream:   c.cfg.Stream,
			Group:    c.cfg.Group,
			Consumer: c.cfg.Consumer,
			MinIdle:  c.cfg.ClaimMinIdle,
			Start:    start,
			Count:    c.cfg.Count,
		}).Result()
		if err != nil {
			return err
		}
		if len(messages) > 0 {
			c.claimed.Add(int64(len(messages)))
			c.cfg.Log.Info("claimed idle entries", "count", len(messages), "first", messages[0].ID)
			if err := c.process(ctx, messages, true); err != nil {
				return err
			}
		}
		if next == "0-0" || ctx.Err() != nil {
			return nil
		}
		start = next
	}
	return nil
}

// process hands a batch to the handler, then dead-letters and acks it in one
// round trip. It runs to the end even when ctx is cancelled: a batch in hand
// is finished and acked before shutdown.
func (c *Consumer) process(ctx context.Context, messages []redis.XMessage, redelivered bool) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), BatchTimeout)
	defer cancel()

	deliveries := map[string]int64{}
	if redelivered {
		var err error
		if deliveries, err = c.deliveryCounts(ctx, messages); err != nil {
			return err
		}
	}

	deadLetters := map[string]string{}
	var batch []Message
	var gone []string
	for _, m := range messages {
		n := deliveries[m.ID]
		if n == 0 {
			n = 1
		}
		switch {
		case m.Values == nil:
			// Pending, but trimmed or deleted from the stream: nothing left to do.
			gone = append(gone, m.ID)
		case n > c.cfg.MaxDeliveries:
			deadLetters[m.ID] = fmt.Sprintf("delivered %d times, more than MAX_DELIVERIES=%d", n, c.cfg.MaxDeliveries)
		default:
			batch = append(batch, Message{XMessage: m, Deliveries: n})
		}
	}
	if len(gone) > 0 {
		c.cfg.Log.Warn("pending entries were trimmed before they were processed", "count", len(gone), "first", gone[0])
	}

	if len(batch) > 0 {
		rejected, err := c.cfg.Handler(ctx, batch)
		if err != nil {
			return err
		}
		for id, reason := range rejected {
			deadLetters[id] = reason
		}
	}

	// Dead letters first, acks after: an entry is acked only once its dead
	// letter is written. (One pipeline would ack even when the XADD fails,
	// say on a full Redis, and the event would be nowhere.)
	if len(deadLetters) > 0 {
		_, err := c.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
			for _, m := range messages {
				if reason, dead := deadLetters[m.ID]; dead {
					pipe.XAdd(ctx, &redis.XAddArgs{
						Stream: c.cfg.DeadLetterStream,
						MaxLen: c.cfg.DeadLetterMaxLen,
						Approx: true,
						Values: c.deadLetterFields(m, reason, max(deliveries[m.ID], 1)),
					})
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	var ids []string
	for _, m := range messages {
		if _, dead := deadLetters[m.ID]; dead || !c.cfg.HandlerAcks || m.Values == nil {
			ids = append(ids, m.ID)
		}
	}
	if len(ids) > 0 {
		if err := c.rdb.XAck(ctx, c.cfg.Stream, c.cfg.Group, ids...).Err(); err != nil {
			return err
		}
	}
	for _, m := range messages {
		if c.lastSeen == "" || idLess(c.lastSeen, m.ID) {
			c.lastSeen = m.ID
		}
	}
	for id, reason := range deadLetters {
		c.cfg.Log.Warn("dead-lettered", "id", id, "reason", reason, "to", c.cfg.DeadLetterStream)
	}
	c.deadLettered.Add(int64(len(deadLetters)))
	c.processed.Add(int64(len(messages) - len(deadLetters) - len(gone)))
	return nil
}

// deadLetterFields keeps the original fields, then says where the entry came
// from and why it was set aside.
func (c *Consumer) deadLetterFields(m redis.XMessage, reason string, deliveries int64) []string {
	fields := make([]string, 0, 2*len(m.Values)+12)
	// go-redis hands the fields over as a map: sort them, so that dead
	// letters read the same each time.
	for _, k := range slices.Sorted(maps.Keys(m.Values)) {
		fields = append(fields, k, fmt.Sprint(m.Values[k]))
	}
	return append(fields,
		"dlq.reason", reason,
		"dlq.stream", c.cfg.Stream,
		"dlq.entryId", m.ID,
		"dlq.group", c.cfg.Group,
		"dlq.consumer", c.cfg.Consumer,
		"dlq.deliveries", strconv.FormatInt(deliveries, 10),
	)
}

// deliveryCounts asks XPENDING how often each entry has been delivered. Only
// redeliveries need it: an entry read with > is on its first delivery.
func (c *Consumer) deliveryCounts(ctx context.Context, messages []redis.XMessage) (map[string]int64, error) {
	pending, err := c.rdb.XPendingExt(ctx, &redis.XPendingExtArgs{
		Stream: c.cfg.Stream,
		Group:  c.cfg.Group,
		Start:  messages[0].ID,
		End:    messages[len(messages)-1].ID,
		// Slack for our own pending entries that fall in the range but not in the batch.
		Count:    2 * int64(len(messages)),
		Consumer: c.cfg.Consumer,
	}).Result()
	if err != nil {
		return nil, err
	}
	counts := make(map[string]int64, len(pending))
	for _, p := range pending {
		counts[p.ID] = p.RetryCount
	}
	return counts, nil
}

// fail handles an error from Redis: it recreates a lost group, or waits.
func (c *Consumer) fail(ctx context.Context, err error) {
	if isNoGroup(err) {
		// Start the new group after the last entry this consumer processed: if
		// Redis lost its data, every new entry comes later (IDs follow the
		// clock); if someone destroyed the group, the stream's old entries are
		// not processed all over again.
		from := c.lastSeen
		if from == "" {
			from = "0"
		}
		c.cfg.Log.Warn("the group is gone (Redis restarted without persistence?): creating it again", "from", from)
		if err := c.createGroupAt(ctx, from); err == nil {
			return
		}
	}
	c.wait(ctx, err)
}

// wait backs off after a failure, up to 2s between tries, and logs the
// outage once rather than on every try.
func (c *Consumer) wait(ctx context.Context, err error) {
	if c.downSince.IsZero() {
		c.downSince = time.Now()
		c.backoff = 100 * time.Millisecond
		c.cfg.Log.Warn("Redis is unavailable or a batch failed; retrying with backoff", "err", err)
	} else {
		c.backoff = min(2*c.backoff, 2*time.Second)
	}
	select {
	case <-ctx.Done():
	case <-time.After(c.backoff):
	}
}

// up notes that Redis answers again.
func (c *Consumer) up() {
	if !c.downSince.IsZero() {
		c.cfg.Log.Info("Redis is back", "after", time.Since(c.downSince).Round(time.Millisecond))
		c.downSince = time.Time{}
	}
}

// idLess reports whether stream entry ID a comes before b.
func idLess(a, b string) bool {
	aMs, aSeq := splitID(a)
	bMs, bSeq := splitID(b)
	return aMs < bMs || (aMs == bMs && aSeq < bSeq)
}

func splitID(id string) (ms, seq uint64) {
	msPart, seqPart, _ := strings.Cut(id, "-")
	ms, _ = strconv.ParseUint(msPart, 10, 64)
	seq, _ = strconv.ParseUint(seqPart, 10, 64)
	return ms, seq
}

func isNoGroup(err error) bool {
	return err != nil && strings.HasPrefix(err.Error(), "NOGROUP")
}

// GroupState is what XINFO GROUPS says of a group.
type GroupState struct {
	Stream          string `json:"stream"`
	Group           string `json:"group"`
	Consumers       int64  `json:"consumers"`
	Pending         int64  `json:"pending"`
	LastDeliveredID string `json:"lastDeliveredId"`
	// Lag is nil when the server cannot tell (after XDEL or trimming of
	// undelivered entries, or on a server without the field).
	Lag *int64 `json:"lag"`
}

// State reads the group's state. It fails when the group does not exist.
//
// It reads XINFO GROUPS raw: go-redis reports a null entries-read as 0, and
// entries-read is null exactly when the lag cannot be trusted. (Redis then
// reports a null lag too; the embedded broker reports the stream's length.)
func (c *Consumer) State(ctx context.Context) (GroupState, error) {
	groups, err := c.rdb.Do(ctx, "XINFO", "GROUPS", c.cfg.Stream).Slice()
	if err != nil {
		return GroupState{}, err
	}
	for _, g := range groups {
		fields := fieldMap(g)
		if fmt.Sprint(fields["name"]) != c.cfg.Group {
			continue
		}
		s := GroupState{Stream: c.cfg.Stream, Group: c.cfg.Group}
		s.Consumers, _ = fields["consumers"].(int64)
		s.Pending, _ = fields["pending"].(int64)
		s.LastDeliveredID, _ = fields["last-delivered-id"].(string)
		lag, lagKnown := fields["lag"].(int64)
		if _, readKnown := fields["entries-read"].(int64); lagKnown && readKnown {
			s.Lag = &lag
		}
		return s, nil
	}
	return GroupState{}, fmt.Errorf("no group %s on %s", c.cfg.Group, c.cfg.Stream)
}

// fieldMap reads one group of an XINFO GROUPS reply: a map in RESP3, a flat
// list of names and values in RESP2.
func fieldMap(reply any) map[string]any {
	fields := map[string]any{}
	switch r := reply.(type) {
	case map[any]any:
		for k, v := range r {
			fields[fmt.Sprint(k)] = v
		}
	case []any:
		for i := 0; i+1 < len(r); i += 2 {
			fields[fmt.Sprint(r[i])] = r[i+1]
		}
	}
	return fields
}
