package consumer

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/events"
)

// CreateGroup creates the group at the start of the stream, and the stream if
// needed. A group that already exists (BUSYGROUP) is fine.
//
// It starts at 0, not $, so that orders placed before the service's first
// start are processed too: nothing is lost, and handlers are idempotent.
func (c *Consumer) CreateGroup(ctx context.Context) error {
	return c.createGroupAt(ctx, "0")
}

// createGroup creates the group if it can. When it cannot, the consumer
// reads all the same: a full Redis refuses XGROUP CREATE even for a group
// that exists, and serves reads; a missing group shows up as NOGROUP on the
// first read, and is created then.
func (c *Consumer) createGroup(ctx context.Context) {
	if err := c.CreateGroup(ctx); err != nil {
		c.cfg.Log.Warn("could not create the group; trying again after the first read", "err", err)
	}
}

func (c *Consumer) createGroupAt(ctx context.Context, id string) error {
	err := c.rdb.XGroupCreateMkStream(ctx, c.cfg.Stream, c.cfg.Group, id).Err()
	if err != nil && !redis.HasErrorPrefix(err, "BUSYGROUP") {
		return err
	}
	return nil
}

// recreateGroup makes the group again after NOGROUP: Redis restarted without
// persistence, or someone destroyed the group or deleted the stream.
//
// With ReplayLostGroup, it starts at the stream's start: every instance
// agrees on that position, and no entry is skipped; the handler must know
// what it did before (payment-service's paid records). Otherwise it starts
// after the last entry this consumer processed, so that old entries are not
// handled all over again; entries that the lost group held pending for
// other consumers are then not delivered again, and the log says so.
func (c *Consumer) recreateGroup(ctx context.Context) error {
	c.seenMu.Lock()
	lastSeen := c.lastSeen
	c.seenMu.Unlock()
	from := lastSeen
	switch {
	case c.cfg.ReplayLostGroup:
		from = "0"
		length, _ := c.rdb.XLen(ctx, c.cfg.Stream).Result()
		c.cfg.Log.Warn("the group is gone: creating it again at the stream's start; every entry is delivered again, "+
			"and the handler skips what it did before", "entries", length)
	case lastSeen == "":
		from = "0"
		c.cfg.Log.Info("creating the group", "from", from)
	default:
		c.cfg.Log.Warn("the group is gone: creating it again after the last entry this consumer processed; "+
			"entries the lost group held pending for other consumers are not delivered again", "from", from)
	}
	c.trimmed.Store(-1) // a new group counts from 0
	return c.createGroupAt(ctx, from)
}

func isNoGroup(err error) bool { return redis.HasErrorPrefix(err, "NOGROUP") }

// noteSeen remembers the greatest entry ID processed.
func (c *Consumer) noteSeen(messages []redis.XMessage) {
	c.seenMu.Lock()
	defer c.seenMu.Unlock()
	for _, m := range messages {
		if c.lastSeen == "" || events.CompareIDs(c.lastSeen, m.ID) < 0 {
			c.lastSeen = m.ID
		}
	}
}

// GroupState is what XINFO GROUPS and XINFO STREAM say of a group.
type GroupState struct {
	Stream          string `json:"stream"`
	Group           string `json:"group"`
	Consumers       int64  `json:"consumers"`
	Pending         int64  `json:"pending"`
	LastDeliveredID string `json:"lastDeliveredId"`
	// Lag is how many entries of the stream the group has yet to read; nil
	// when the server cannot tell (an old server, the embedded broker, a
	// group created at an ID in the middle of the stream).
	Lag *int64 `json:"lag"`
	// TrimmedUndelivered counts the entries trimmed (or deleted) from the
	// stream before the group read them, since it was created: events no
	// consumer will ever see. Redis 7.0 counts them in its lag for good;
	// Lag above does not. Nil when the counts cannot tell.
	TrimmedUndelivered *int64 `json:"trimmedUndelivered"`
}

// errNoGroup says the group does not exist (yet, or any more).
var errNoGroup = fmt.Errorf("no such group")

// State reads the group's state, then the stream's, in one pipeline (not a
// transaction: a full Redis refuses MULTI). The group can only read more
// meanwhile, and entries added meanwhile count on both sides of the sum in
// TrimmedUndelivered. It fails when the group does not exist.
//
// It reads XINFO GROUPS raw: go-redis reports a null entries-read as 0, and
// entries-read is null exactly when the lag cannot be trusted. (Redis then
// reports a null lag too; the embedded broker reports the stream's length.)
func (c *Consumer) State(ctx context.Context) (GroupState, error) {
	var info *redis.XInfoStreamCmd
	var groupsCmd *redis.Cmd
	_, err := c.rdb.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		groupsCmd = pipe.Do(ctx, "XINFO", "GROUPS", c.cfg.Stream)
		info = pipe.XInfoStream(ctx, c.cfg.Stream)
		return nil
	})
	if err != nil {
		return GroupState{}, err
	}
	groups, err := groupsCmd.Slice()
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
		read, readKnown := fields["entries-read"].(int64)
		if !lagKnown || !readKnown {
			return s, nil
		}
		s.Lag = &lag
		if trimmed, ok := TrimmedUndelivered(*info.Val(), s.LastDeliveredID, read); ok {
			c.trimmed.Store(trimmed)
		}
		if trimmed := c.trimmed.Load(); trimmed >= 0 && trimmed <= lag {
			real := lag - trimmed
			s.Lag, s.TrimmedUndelivered = &real, &trimmed
		}
		return s, nil
	}
	return GroupState{}, fmt.Errorf("%w %s on %s", errNoGroup, c.cfg.Group, c.cfg.Stream)
}

// TrimmedUndelivered works out how many entries left the stream before a
// group whose last delivered ID and entries-read are given read them: the
// entries ever added, less those the group read, less those still in the
// stream after its last delivered ID. That last number is known in two
// cases only: none (the group has read up to the last entry), or every
// entry (the stream's first entry comes after the group's last delivered
// one). Otherwise, and on a server without entries-added (before 7.0, or
// the embedded broker), ok is false.
func TrimmedUndelivered(stream redis.XInfoStream, lastDelivered string, entriesRead int64) (trimmed int64, ok bool) {
	if stream.EntriesAdded < stream.Length || stream.LastGeneratedID == "" {
		return 0, false
	}
	var unread int64
	switch {
	case events.CompareIDs(lastDelivered, stream.LastGeneratedID) >= 0:
		unread = 0
	case stream.Length == 0 || events.CompareIDs(stream.FirstEntry.ID, lastDelivered) > 0:
		unread = stream.Length
	default:
		return 0, false
	}
	return max(0, stream.EntriesAdded-entriesRead-unread), true
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

// noteTrimmed logs the entries trimmed before the group read them, when
// their count grows: a loss that would otherwise leave no trace.
func (c *Consumer) noteTrimmed(ctx context.Context) {
	if _, err := c.State(ctx); err != nil {
		return
	}
	total := c.trimmed.Load()
	if total < c.trimmedLogged {
		c.trimmedLogged = 0 // a new group counts from 0
	}
	if total <= c.trimmedLogged {
		return // unknown (-1), or no more than logged
	}
	c.cfg.Log.Warn("entries were trimmed from the stream before the group read them: never delivered, never handled "+
		"(raise the stream's MAXLEN, or add consumers)", "count", total-c.trimmedLogged, "total", total)
	c.trimmedLogged = total
}
