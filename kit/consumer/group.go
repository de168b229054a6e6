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

// errNoGroup says the group does not exist (yet, or any more).
var errNoGroup = fmt.Errorf("no such group")

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
	return GroupState{}, fmt.Errorf("%w %s on %s", errNoGroup, c.cfg.Group, c.cfg.Stream)
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
