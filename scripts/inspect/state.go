package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/consumer"
	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/lang"
	"github.com/streams-workshop/kit/redisconn"
)

// newestShown is how many of a stream's newest entries the web page shows.
const newestShown = 5

// streamState is what inspect shows of one stream: the table prints it, and
// the web page reads it as JSON.
type streamState struct {
	Name    string       `json:"name"`
	Exists  bool         `json:"exists"`
	Length  int64        `json:"length"`
	FirstID string       `json:"firstId"` // "" when the stream is empty
	LastID  string       `json:"lastId"`
	Newest  []entry      `json:"newest"` // newest first
	Groups  []groupState `json:"groups"`
	Problem string       `json:"problem,omitempty"` // not a stream, for example
	// Type is the type of a key that is not a stream (Problem says so).
	Type string `json:"type,omitempty"`
}

// groupState is one consumer group, from XINFO GROUPS and XINFO CONSUMERS.
// A nil pointer is a number the server does not know or does not give: JSON
// null, shown as n/a.
type groupState struct {
	Name            string          `json:"name"`
	Consumers       []consumerState `json:"consumers"`
	Pending         int64           `json:"pending"`
	LastDeliveredID string          `json:"lastDeliveredId"`
	EntriesRead     *int64          `json:"entriesRead"`
	Lag             *int64          `json:"lag"`
	// Trimmed counts the entries trimmed from the stream before the group
	// read them (consumer.TrimmedUndelivered); Lag then leaves them out.
	// Nil when the counts cannot tell.
	Trimmed *int64 `json:"trimmed"`
}

type consumerState struct {
	Name    string `json:"name"`
	Pending int64  `json:"pending"`
	IdleMs  *int64 `json:"idleMs"`
}

// server says what the server can be trusted to report.
type server struct {
	// Version is redis_version from INFO, or "" when the server does not give
	// it, as the embedded broker (miniredis) does not.
	Version string
}

// embedded reports whether this is not a real Redis. miniredis answers XINFO
// with the stream's length for lag, and gives idle times only after XCLAIM:
// numbers that look right and are not, so inspect shows n/a instead.
func (s server) embedded() bool { return s.Version == "" }

func (s server) String() string {
	if s.embedded() {
		return "embedded Redis (miniredis)"
	}
	return "Redis " + s.Version
}

// local is String in the language of the moment (kit/lang).
func (s server) local() string {
	if s.embedded() {
		return lang.Pick(s.String(), "내장 Redis(miniredis)")
	}
	return s.String()
}

func readServer(ctx context.Context, rdb redis.UniversalClient) (server, error) {
	info, err := rdb.Info(ctx, "server").Result()
	if err != nil && !strings.Contains(err.Error(), "not supported") {
		return server{}, err
	}
	for line := range strings.SplitSeq(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "redis_version:"); ok {
			return server{Version: v}, nil
		}
	}
	return server{}, nil
}

// streamNames lists the workshop's streams, then its dead-letter streams: the
// ones the services can create (events.DeadLetterStream) and any other that
// SCAN finds, in name order.
func streamNames(ctx context.Context, rdb redis.UniversalClient) ([]string, error) {
	names := []string{events.OrderStream, events.PaymentStream}
	dead := []string{
		events.DeadLetterStream(events.OrderStream, events.PaymentGroup),
		events.DeadLetterStream(events.OrderStream, events.NotificationGroup),
		events.DeadLetterStream(events.PaymentStream, events.NotificationGroup),
	}
	found, err := scanStreams(ctx, rdb, "*:dlq:*")
	// A server that refuses SCAN ... TYPE (older than 6.0, or an ACL without
	// SCAN) still has the known dead-letter streams below.
	var refused redis.Error
	if err != nil && !errors.As(err, &refused) {
		return nil, err
	}
	// The known ones are listed only when they exist: most runs have none.
	for _, name := range dead {
		if n, err := rdb.Exists(ctx, name).Result(); err == nil && n > 0 {
			found = append(found, name)
		}
	}
	slices.Sort(found)
	return append(names, slices.Compact(found)...), nil
}

// scanStreams finds the stream keys matching pattern with SCAN, on every
// master of a cluster. SCAN walks the keyspace in small steps and never blocks
// the server, unlike KEYS.
func scanStreams(ctx context.Context, rdb redis.UniversalClient, pattern string) ([]string, error) {
	scan := func(ctx context.Context, c redis.Cmdable) ([]string, error) {
		var keys []string
		iter := c.ScanType(ctx, 0, pattern, 1000, "stream").Iterator()
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		return keys, iter.Err()
	}
	cluster, ok := redisconn.ClusterOf(rdb)
	if !ok {
		return scan(ctx, rdb)
	}
	var mu sync.Mutex // ForEachMaster runs the masters in parallel
	var all []string
	err := cluster.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		keys, err := scan(ctx, node)
		mu.Lock()
		all = append(all, keys...)
		mu.Unlock()
		return err
	})
	return all, err
}

// readStream reads one stream's state. A stream that does not exist is not
// an error: the services create theirs when they start.
func readStream(ctx context.Context, rdb redis.UniversalClient, srv server, name string) (streamState, error) {
	s := streamState{Name: name}
	typ, err := rdb.Type(ctx, name).Result()
	if err != nil {
		return s, err
	}
	switch typ {
	case "none":
		return s, nil
	case "stream":
	default:
		s.Type = typ
		s.Problem = fmt.Sprintf("%s is a %s, not a stream: the services cannot use it", name, typ)
		return s, nil
	}
	s.Exists = true
	if s.Length, err = rdb.XLen(ctx, name).Result(); err != nil {
		return s, err
	}
	// XRANGE with COUNT 1 and XREVRANGE work on every server, where XINFO
	// STREAM's first-entry and last-entry do not.
	if first, err := rdb.XRangeN(ctx, name, "-", "+", 1).Result(); err == nil && len(first) > 0 {
		s.FirstID = first[0].ID
	}
	if s.Newest, err = revRange(ctx, rdb, name, "+", newestShown); err != nil {
		return s, err
	}
	if len(s.Newest) > 0 {
		s.LastID = s.Newest[0].ID
	}
	if s.Groups, err = readGroups(ctx, rdb, srv, name); err != nil {
		return s, err
	}
	if srv.embedded() {
		return s, nil
	}
	// Read after the groups: a group can only have read more since, so a
	// count is never too high.
	info, err := rdb.XInfoStream(ctx, name).Result()
	if err != nil {
		return s, nil // an old server: no counts to work from
	}
	for i, g := range s.Groups {
		if g.EntriesRead == nil || g.Lag == nil {
			continue
		}
		trimmed, ok := consumer.TrimmedUndelivered(*info, g.LastDeliveredID, *g.EntriesRead)
		if !ok {
			// The group stopped in the middle of the stream: the counts
			// cannot tell how much of its lag is still there to read. Count
			// it, when that is cheap.
			trimmed, ok = countTrimmed(ctx, rdb, name, g.LastDeliveredID, *g.Lag, s.Length)
		}
		if ok && trimmed <= *g.Lag {
			lag := *g.Lag - trimmed
			s.Groups[i].Lag, s.Groups[i].Trimmed = &lag, &trimmed
		}
	}
	return s, nil
}

// maxCounted bounds the entries countTrimmed reads, every second on the web
// page: a class's streams after Experiment 5 hold a few dozen.
const maxCounted = 1000

// countTrimmed works out how much of a group's lag was trimmed before the
// group read it, by counting the entries after its last delivered ID: Redis
// counts the lag as entries added minus entries read, so what it counts and
// the stream no longer holds was trimmed unread (Redis 7.0 keeps those in
// the lag for good). It reads at most maxCounted entries, and says !ok
// beyond: a lag more than the stream's length is then explained on the page.
func countTrimmed(ctx context.Context, rdb redis.UniversalClient, stream, lastDelivered string, lag, length int64) (trimmed int64, ok bool) {
	n := min(lag, length)
	if lag <= 0 || lastDelivered == "" || n > maxCounted {
		return 0, false
	}
	unread, err := rdb.Do(ctx, "XRANGE", stream, "("+lastDelivered, "+", "COUNT", n+1).Slice()
	if err != nil {
		return 0, false
	}
	return max(0, lag-int64(len(unread))), true
}

// readGroups reads XINFO GROUPS as a raw reply, because go-redis turns a null
// entries-read into 0, and 0 is a real value.
func readGroups(ctx context.Context, rdb redis.UniversalClient, srv server, stream string) ([]groupState, error) {
	reply, err := rdb.Do(ctx, "XINFO", "GROUPS", stream).Slice()
	if err != nil {
		return nil, err
	}
	var groups []groupState
	for _, raw := range reply {
		f := asMap(raw)
		g := groupState{
			Name:            asString(f["name"]),
			Pending:         asInt(f["pending"]),
			LastDeliveredID: asString(f["last-delivered-id"]),
			EntriesRead:     asIntPtr(f["entries-read"]),
			Lag:             asIntPtr(f["lag"]),
		}
		if srv.embedded() {
			g.Lag = nil
		}
		if g.Consumers, err = readConsumers(ctx, rdb, srv, stream, g.Name); err != nil {
			return nil, err
		}
		groups = append(groups, g)
	}
	slices.SortFunc(groups, func(a, b groupState) int { return strings.Compare(a.Name, b.Name) })
	return groups, nil
}

func readConsumers(ctx context.Context, rdb redis.UniversalClient, srv server, stream, group string) ([]consumerState, error) {
	reply, err := rdb.Do(ctx, "XINFO", "CONSUMERS", stream, group).Slice()
	if err != nil {
		return nil, err
	}
	var consumers []consumerState
	for _, raw := range reply {
		f := asMap(raw)
		c := consumerState{Name: asString(f["name"]), Pending: asInt(f["pending"])}
		if ms := asIntPtr(f["idle"]); ms != nil && *ms >= 0 && !srv.embedded() {
			c.IdleMs = ms
		}
		consumers = append(consumers, c)
	}
	slices.SortFunc(consumers, func(a, b consumerState) int { return strings.Compare(a.Name, b.Name) })
	return consumers, nil
}

// readAll reads the state of every stream inspect shows.
func readAll(ctx context.Context, rdb redis.UniversalClient, srv server) ([]streamState, error) {
	names, err := streamNames(ctx, rdb)
	if err != nil {
		return nil, err
	}
	var all []streamState
	for _, name := range names {
		s, err := readStream(ctx, rdb, srv, name)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		all = append(all, s)
	}
	return all, nil
}

// asMap reads a reply that RESP3 gives as a map and RESP2 as a flat list of
// keys and values.
func asMap(v any) map[string]any {
	out := map[string]any{}
	switch v := v.(type) {
	case map[any]any:
		for k, val := range v {
			out[fmt.Sprint(k)] = val
		}
	case []any:
		for i := 0; i+1 < len(v); i += 2 {
			out[fmt.Sprint(v[i])] = v[i+1]
		}
	}
	return out
}

func asString(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

func asInt(v any) int64 {
	if p := asIntPtr(v); p != nil {
		return *p
	}
	return 0
}

// asIntPtr is nil for a null reply, or a field the server does not send.
func asIntPtr(v any) *int64 {
	n, ok := v.(int64)
	if !ok {
		return nil
	}
	return &n
}
