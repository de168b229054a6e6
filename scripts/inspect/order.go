package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/events"
)

// pageSize is how many entries one XREVRANGE fetches while looking for an order.
const pageSize = 1000

// entry is a stream entry with its fields in the order they were written.
type entry struct {
	Stream string
	ID     string
	Fields [][2]string
}

func (e entry) field(name string) string {
	for _, f := range e.Fields {
		if f[0] == name {
			return f[1]
		}
	}
	return ""
}

// about reports whether the entry is about the order: by its orderId field,
// or, for an order from the Spring service, which has none, by its entry ID in
// order-events (the consumers use it as the orderId). A dead letter keeps the
// original fields, and the original entry ID in dlq.entryId.
func (e entry) about(orderID string) bool {
	if id := e.field("orderId"); id != "" {
		return id == orderID
	}
	switch {
	case e.Stream == events.OrderStream:
		return e.ID == orderID
	case e.field("dlq.stream") == events.OrderStream:
		return e.field("dlq.entryId") == orderID
	}
	return false
}

// scanned says how much of a stream the search read.
type scanned struct {
	Stream        string
	Read, Length  int64
	Before, After string
}

// findOrder reads stream from the newest entry back, at most max entries, and
// returns the entries about the order. Newest first, because the order you
// are looking for is most likely a recent one.
func findOrder(ctx context.Context, rdb redis.UniversalClient, stream, orderID string, max int64) ([]entry, scanned, error) {
	s := scanned{Stream: stream}
	var err error
	if s.Length, err = rdb.XLen(ctx, stream).Result(); err != nil {
		return nil, s, err
	}
	var found []entry
	end := "+"
	for s.Read < max {
		// A raw XREVRANGE keeps the fields in the order they were written.
		reply, err := rdb.Do(ctx, "XREVRANGE", stream, end, "-", "COUNT", min(pageSize, max-s.Read)).Slice()
		if err != nil {
			return nil, s, err
		}
		for _, raw := range reply {
			e := parseEntry(stream, raw)
			if e.about(orderID) {
				found = append(found, e)
			}
			end = "(" + e.ID // the next page starts just before this entry
		}
		s.Read += int64(len(reply))
		if len(reply) < pageSize {
			break
		}
	}
	return found, s, nil
}

func parseEntry(stream string, raw any) entry {
	parts, _ := raw.([]any)
	e := entry{Stream: stream}
	if len(parts) != 2 {
		return e
	}
	e.ID = asString(parts[0])
	kv, _ := parts[1].([]any)
	for i := 0; i+1 < len(kv); i += 2 {
		e.Fields = append(e.Fields, [2]string{asString(kv[i]), asString(kv[i+1])})
	}
	return e
}

// followOrder prints every entry about the order, in time order, with what
// each consumer group did with it, then how much it read to find them.
func followOrder(ctx context.Context, w io.Writer, rdb redis.UniversalClient, srv server, orderID string, max int64) error {
	names, err := streamNames(ctx, rdb)
	if err != nil {
		return err
	}
	// An entry ID copied from order-events names an order that has an orderId:
	// follow that, since the other streams know the order by it.
	if e, err := rdb.Do(ctx, "XRANGE", events.OrderStream, orderID, orderID).Slice(); err == nil && len(e) == 1 {
		if id := parseEntry(events.OrderStream, e[0]).field("orderId"); id != "" {
			fmt.Fprintf(w, "%s %s has orderId %s: following that.\n", events.OrderStream, orderID, id)
			orderID = id
		}
	}
	var found []entry
	var reads []scanned
	for _, stream := range names {
		entries, s, err := findOrder(ctx, rdb, stream, orderID, max)
		if err != nil {
			return fmt.Errorf("%s: %w", stream, err)
		}
		found = append(found, entries...)
		reads = append(reads, s)
	}
	slices.SortStableFunc(found, func(a, b entry) int { return compareIDs(a.ID, b.ID) })

	titleColor.Fprintf(w, "Order %s\n\n", orderID)
	var start time.Time
	for i, e := range found {
		at := idTime(e.ID)
		since := ""
		if i == 0 {
			start = at
		} else {
			since = fmt.Sprintf("  (+%s)", at.Sub(start))
		}
		name := streamColor.Sprint(e.Stream)
		if isDeadLetter(e.Stream) {
			name = deadColor.Sprint(e.Stream)
		}
		fmt.Fprintf(w, "%s  %s  %s%s\n", name, e.ID, at.Format("2006-01-02 15:04:05.000"), since)
		var fields []string
		for _, f := range e.Fields {
			fields = append(fields, f[0]+"="+f[1])
		}
		fmt.Fprintf(w, "  %s\n", strings.Join(fields, " "))
		if !isDeadLetter(e.Stream) {
			if err := writeDelivery(ctx, w, rdb, srv, e); err != nil {
				return err
			}
		}
	}
	if len(found) == 0 {
		fmt.Fprintln(w, "No entry about this order in what was scanned.")
	}

	var parts []string
	for _, s := range reads {
		if s.Read < s.Length {
			parts = append(parts, fmt.Sprintf("%s the newest %d of %d entries (raise -max to read more)", s.Stream, s.Read, s.Length))
		} else {
			parts = append(parts, fmt.Sprintf("%s %d of %d entries", s.Stream, s.Read, s.Length))
		}
	}
	fmt.Fprintf(w, "\nScanned: %s.\n", strings.Join(parts, ", "))
	if len(found) == 0 {
		return fmt.Errorf("order %s not found", orderID)
	}
	return nil
}

// writeDelivery says, for each group on the entry's stream, whether the entry
// is not delivered yet, pending (delivered, not acked), or acked.
func writeDelivery(ctx context.Context, w io.Writer, rdb redis.UniversalClient, srv server, e entry) error {
	groups, err := readGroups(ctx, rdb, srv, e.Stream)
	if err != nil {
		return err
	}
	t := table{}
	for _, g := range groups {
		status := cell{"acked", groupColor}
		if compareIDs(e.ID, g.LastDeliveredID) > 0 {
			status = cell{"not delivered yet", busyColor}
		} else {
			pending, err := rdb.XPendingExt(ctx, &redis.XPendingExtArgs{
				Stream: e.Stream, Group: g.Name, Start: e.ID, End: e.ID, Count: 1,
			}).Result()
			if err != nil {
				return err
			}
			if len(pending) > 0 {
				p := pending[0]
				status = cell{fmt.Sprintf("pending at %s, %s, idle %s",
					p.Consumer, deliveries(p.RetryCount), p.Idle.Round(time.Millisecond)), busyColor}
			}
		}
		t.add(plain(""), cell{g.Name, groupColor}, status) // the empty cell indents
	}
	t.write(w)
	return nil
}

func deliveries(n int64) string {
	if n == 1 {
		return "delivered once"
	}
	return fmt.Sprintf("delivered %d times", n)
}

// idTime is when an entry was added: an automatic entry ID starts with the
// Unix time in milliseconds.
func idTime(id string) time.Time {
	ms, _, _ := strings.Cut(id, "-")
	n, _ := strconv.ParseInt(ms, 10, 64)
	return time.UnixMilli(n)
}

// compareIDs orders two entry IDs (milliseconds, then sequence) as numbers:
// as strings, "9-0" would sort after "10-0".
func compareIDs(a, b string) int {
	am, as := splitID(a)
	bm, bs := splitID(b)
	if am != bm {
		return cmp.Compare(am, bm)
	}
	return cmp.Compare(as, bs)
}

func splitID(id string) (ms, seq uint64) {
	m, s, _ := strings.Cut(id, "-")
	ms, _ = strconv.ParseUint(m, 10, 64)
	seq, _ = strconv.ParseUint(s, 10, 64)
	return ms, seq
}
