package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/lang"
	"github.com/streams-workshop/kit/tracing"
)

// pageSize is how many entries one XREVRANGE fetches while looking for an order.
const pageSize = 1000

// entry is a stream entry with its fields in the order they were written.
type entry struct {
	Stream string      `json:"stream"`
	ID     string      `json:"id"`
	Fields [][2]string `json:"fields"` // [name, value] pairs
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

// revRange reads up to count entries of stream, from end back, newest first.
// A raw XREVRANGE keeps the fields in the order they were written, where
// go-redis's XRevRange gives a map.
func revRange(ctx context.Context, rdb redis.UniversalClient, stream, end string, count int64) ([]entry, error) {
	reply, err := rdb.Do(ctx, "XREVRANGE", stream, end, "-", "COUNT", count).Slice()
	if err != nil {
		return nil, err
	}
	entries := make([]entry, 0, len(reply))
	for _, raw := range reply {
		entries = append(entries, parseEntry(stream, raw))
	}
	return entries, nil
}

// scanned says how much of a stream the search read.
type scanned struct {
	Stream string `json:"stream"`
	Read   int64  `json:"read"`
	Length int64  `json:"length"`
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
		page, err := revRange(ctx, rdb, stream, end, min(pageSize, max-s.Read))
		if err != nil {
			return nil, s, err
		}
		for _, e := range page {
			if e.about(orderID) {
				found = append(found, e)
			}
			end = "(" + e.ID // the next page starts just before this entry
		}
		s.Read += int64(len(page))
		if len(page) < pageSize {
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

// trace is one order's path through the streams: what -order prints, and
// what the web page shows for ?order=ID.
type trace struct {
	OrderID string `json:"orderId"`
	// EntryID is the order-events entry ID that was asked for, when it led to
	// the order's orderId.
	EntryID string `json:"entryId,omitempty"`
	// TraceID is the OpenTelemetry trace of the order, from the traceparent
	// field its entries carry when the services trace (kit/tracing).
	TraceID string        `json:"traceId,omitempty"`
	Entries []tracedEntry `json:"entries"` // in time order
	Scanned []scanned     `json:"scanned"`
}

type tracedEntry struct {
	entry
	Time time.Time `json:"time"` // from the entry ID
	// Groups says what each group of the entry's stream did with it; a dead
	// letter has none.
	Groups []delivery `json:"groups"`
}

// delivery is what one group did with one entry.
type delivery struct {
	Group  string `json:"group"`
	Status string `json:"status"` // notDelivered, pending or acked
	// For a pending entry: who holds it, how often it was delivered, and for
	// how long nobody touched it.
	Consumer   string `json:"consumer,omitempty"`
	Deliveries int64  `json:"deliveries,omitempty"`
	IdleMs     int64  `json:"idleMs,omitempty"`
}

const (
	notDelivered = "notDelivered"
	pending      = "pending"
	acked        = "acked"
)

// traceOrder finds every entry about the order, at most max entries back in
// each stream, and what each consumer group did with it.
func traceOrder(ctx context.Context, rdb redis.UniversalClient, srv server, orderID string, max int64) (trace, error) {
	t := trace{OrderID: orderID}
	names, err := streamNames(ctx, rdb)
	if err != nil {
		return t, err
	}
	// An entry ID copied from order-events names an order that has an orderId:
	// follow that, since the other streams know the order by it.
	if e, err := rdb.Do(ctx, "XRANGE", events.OrderStream, orderID, orderID).Slice(); err == nil && len(e) == 1 {
		if id := parseEntry(events.OrderStream, e[0]).field("orderId"); id != "" {
			t.EntryID, t.OrderID = orderID, id
		}
	}
	var found []entry
	for _, stream := range names {
		entries, s, err := findOrder(ctx, rdb, stream, t.OrderID, max)
		if err != nil {
			return t, fmt.Errorf("%s: %w", stream, err)
		}
		found = append(found, entries...)
		t.Scanned = append(t.Scanned, s)
	}
	slices.SortStableFunc(found, func(a, b entry) int { return events.CompareIDs(a.ID, b.ID) })
	for _, e := range found {
		if t.TraceID == "" {
			t.TraceID = tracing.TraceID(e.field(events.TraceField))
		}
		te := tracedEntry{entry: e, Time: events.IDTime(e.ID)}
		if !isDeadLetter(e.Stream) {
			if te.Groups, err = deliveriesOf(ctx, rdb, srv, e); err != nil {
				return t, err
			}
		}
		t.Entries = append(t.Entries, te)
	}
	return t, nil
}

// deliveriesOf says, for each group on the entry's stream, whether the entry
// is not delivered yet, pending (delivered, not acked), or acked.
func deliveriesOf(ctx context.Context, rdb redis.UniversalClient, srv server, e entry) ([]delivery, error) {
	groups, err := readGroups(ctx, rdb, srv, e.Stream)
	if err != nil {
		return nil, err
	}
	var out []delivery
	for _, g := range groups {
		d := delivery{Group: g.Name, Status: acked}
		if events.CompareIDs(e.ID, g.LastDeliveredID) > 0 {
			d.Status = notDelivered
		} else {
			p, err := rdb.XPendingExt(ctx, &redis.XPendingExtArgs{
				Stream: e.Stream, Group: g.Name, Start: e.ID, End: e.ID, Count: 1,
			}).Result()
			if err != nil {
				return nil, err
			}
			if len(p) > 0 {
				d = delivery{Group: g.Name, Status: pending, Consumer: p[0].Consumer,
					Deliveries: p[0].RetryCount, IdleMs: p[0].Idle.Milliseconds()}
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// writeTrace prints the trace: each entry, in time order, with what each
// consumer group did with it, then how much was read to find them.
func writeTrace(w io.Writer, t trace) {
	if t.EntryID != "" {
		fmt.Fprintf(w, lang.Pick("%s %s has orderId %s: following that.\n", "%s %s의 orderId: %s. 그 orderId를 따라간다.\n"),
			events.OrderStream, t.EntryID, t.OrderID)
	}
	titleColor.Fprintf(w, lang.Pick("Order %s\n", "주문 %s\n"), t.OrderID)
	if t.TraceID != "" {
		fmt.Fprintf(w, lang.Pick("Trace ID (OpenTelemetry): %s\n", "트레이스 ID(OpenTelemetry): %s\n"), t.TraceID)
	}
	fmt.Fprintln(w)
	for i, e := range t.Entries {
		since := ""
		if i > 0 {
			since = fmt.Sprintf("  (+%s)", duration(e.Time.Sub(t.Entries[0].Time)))
		}
		name := streamColor.Sprint(e.Stream)
		if isDeadLetter(e.Stream) {
			name = deadColor.Sprint(e.Stream)
		}
		fmt.Fprintf(w, "%s  %s  %s%s\n", name, e.ID, e.Time.Format("2006-01-02 15:04:05.000"), since)
		var fields []string
		for _, f := range e.Fields {
			fields = append(fields, f[0]+"="+f[1])
		}
		fmt.Fprintf(w, "  %s\n", strings.Join(fields, " "))
		groups := table{}
		for _, d := range e.Groups {
			groups.add(plain(""), cell{d.Group, groupColor}, deliveryCell(d)) // the empty cell indents
		}
		groups.write(w)
	}
	if len(t.Entries) == 0 {
		fmt.Fprintln(w, lang.Pick("No entry about this order in what was scanned.", "읽은 범위에 이 주문의 엔트리가 없다."))
	}
	var parts []string
	for _, s := range t.Scanned {
		if s.Read < s.Length {
			parts = append(parts, fmt.Sprintf(lang.Pick("%s the newest %d of %d entries (raise -max to read more)",
				"%s 엔트리 %[3]d개 중 최신 %[2]d개(더 읽으려면 -max를 올린다)"), s.Stream, s.Read, s.Length))
		} else {
			parts = append(parts, fmt.Sprintf(lang.Pick("%s %d of %d entries", "%s 엔트리 %[3]d개 중 %[2]d개"), s.Stream, s.Read, s.Length))
		}
	}
	fmt.Fprintf(w, lang.Pick("\nScanned: %s.\n", "\n읽은 범위: %s.\n"), strings.Join(parts, ", "))
}

func deliveryCell(d delivery) cell {
	switch d.Status {
	case notDelivered:
		return cell{lang.Pick("not delivered yet", "아직 전달 안 됨"), busyColor}
	case pending:
		idle := duration(time.Duration(d.IdleMs) * time.Millisecond)
		return cell{fmt.Sprintf(lang.Pick("pending at %s, %s, idle %s", "pending: %s, %s, idle %s"), d.Consumer, deliveries(d.Deliveries), idle), busyColor}
	default:
		return cell{lang.Pick("acked", "ack 완료"), groupColor}
	}
}

func deliveries(n int64) string {
	if n == 1 {
		return lang.Pick("delivered once", "1번 전달")
	}
	return fmt.Sprintf(lang.Pick("delivered %d times", "%d번 전달"), n)
}
