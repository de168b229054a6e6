package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/fatih/color"

	"github.com/streams-workshop/kit/lang"
)

// Colours. fatih/color drops them when stdout is not a terminal.
var (
	titleColor  = color.New(color.Bold)
	headerColor = color.New(color.Faint, color.Underline)
	streamColor = color.New(color.FgCyan)
	groupColor  = color.New(color.FgGreen)
	busyColor   = color.New(color.FgYellow) // pending or lagging: work not done yet
	deadColor   = color.New(color.FgRed)    // dead letters, errors
	naColor     = color.New(color.Faint)
)

// cell is one table cell: its text and its colour (nil: plain).
type cell struct {
	text  string
	color *color.Color
}

func plain(s string) cell { return cell{text: s} }

// count is a number, in colour when it is not 0.
func count(n int64, c *color.Color) cell {
	if n == 0 {
		c = nil
	}
	return cell{strconv.FormatInt(n, 10), c}
}

// width is how many columns s takes in a terminal: two for a Hangul
// syllable or another East Asian wide letter, so that a Korean table lines up.
func width(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x1100 && r <= 0x115f || // Hangul initial consonants
			r >= 0x2e80 && r <= 0xa4cf && r != 0x303f || // CJK, kana, Hangul compatibility letters
			r >= 0xac00 && r <= 0xd7a3 || // Hangul syllables
			r >= 0xf900 && r <= 0xfaff || r >= 0xfe30 && r <= 0xfe4f ||
			r >= 0xff00 && r <= 0xff60 || r >= 0xffe0 && r <= 0xffe6 { // full-width forms
			n++
		}
	}
	return n
}

// maybe is a number the server may not know: n/a then, never a made-up 0.
func maybe(n *int64, c *color.Color) cell {
	if n == nil {
		return cell{"n/a", naColor}
	}
	return count(*n, c)
}

func orDash(s string) cell {
	if s == "" {
		return cell{"-", naColor}
	}
	return plain(s)
}

// table prints rows in aligned columns. It pads the plain text, then colours
// it: text/tabwriter would count the colour codes as width.
type table struct {
	header []string
	right  []bool // numbers are aligned right
	rows   [][]cell
}

func (t *table) add(cells ...cell) { t.rows = append(t.rows, cells) }

// write prints the table; without a header, only the rows.
func (t *table) write(w io.Writer) {
	columns := len(t.header)
	for _, row := range t.rows {
		columns = max(columns, len(row))
	}
	widths := make([]int, columns)
	for i, h := range t.header {
		widths[i] = width(h)
	}
	for _, row := range t.rows {
		for i, c := range row {
			widths[i] = max(widths[i], width(c.text))
		}
	}
	line := func(cells []cell) string {
		parts := make([]string, len(cells))
		for i, c := range cells {
			pad := strings.Repeat(" ", widths[i]-width(c.text))
			text := c.text
			if c.color != nil {
				text = c.color.Sprint(text)
			}
			if i < len(t.right) && t.right[i] {
				parts[i] = pad + text
			} else if i < len(cells)-1 {
				parts[i] = text + pad
			} else {
				parts[i] = text // no trailing spaces
			}
		}
		return strings.Join(parts, "  ")
	}
	if len(t.header) > 0 {
		header := make([]cell, len(t.header))
		for i, h := range t.header {
			header[i] = cell{h, headerColor}
		}
		fmt.Fprintln(w, line(header))
	}
	for _, row := range t.rows {
		fmt.Fprintln(w, line(row))
	}
}

// writeState prints the streams, their groups and their consumers.
func writeState(w io.Writer, where string, srv server, streams []streamState, now time.Time) {
	titleColor.Fprintf(w, lang.Pick("Redis at %s (%s), %s\n\n", "Redis %s (%s), %s\n\n"), where, srv.local(), now.Format("15:04:05"))

	streamsTable := table{
		header: headings("STREAM LENGTH FIRST_ID LAST_ID", "스트림 길이 첫_ID 마지막_ID"),
		right:  []bool{false, true},
	}
	groupsTable := table{
		header: headings("STREAM GROUP CONSUMERS PENDING LAST_DELIVERED ENTRIES_READ LAG",
			"스트림 그룹 consumer_수 pending 마지막_전달_ID 읽은_엔트리 lag"),
		right: []bool{false, false, true, true, false, true, true},
	}
	consumersTable := table{
		header: headings("STREAM GROUP CONSUMER PENDING IDLE", "스트림 그룹 consumer pending idle"),
		right:  []bool{false, false, false, true, true},
	}
	var problems, trimmed []string
	for _, s := range streams {
		if s.Problem != "" {
			problems = append(problems, fmt.Sprintf(lang.Pick("%s is a %s, not a stream: the services cannot use it",
				"%s: 스트림이 아니다(타입 %s). 서비스가 쓸 수 없다"), s.Name, s.Type))
		}
		name := cell{s.Name, streamColor}
		if isDeadLetter(s.Name) && s.Length > 0 {
			name.color = deadColor
		}
		length := count(s.Length, nil)
		if !s.Exists {
			length = cell{lang.Pick("none", "없음"), naColor}
		}
		streamsTable.add(name, length, orDash(s.FirstID), orDash(s.LastID))
		for _, g := range s.Groups {
			groupsTable.add(name, cell{g.Name, groupColor}, count(int64(len(g.Consumers)), nil),
				count(g.Pending, busyColor), orDash(g.LastDeliveredID), maybe(g.EntriesRead, nil), maybe(g.Lag, busyColor))
			if g.Trimmed != nil && *g.Trimmed > 0 {
				trimmed = append(trimmed, fmt.Sprintf(lang.Pick(
					"%s, group %s: %d entries trimmed before the group read them (never delivered, not counted in LAG)",
					"%s, 그룹 %s: 엔트리 %d개가 그룹이 읽기 전에 잘려 나갔다(전달되지 않았고, lag에 넣지 않았다)"),
					s.Name, g.Name, *g.Trimmed))
			}
			for _, c := range g.Consumers {
				consumersTable.add(name, cell{g.Name, groupColor}, plain(c.Name), count(c.Pending, busyColor), idle(c.IdleMs))
			}
		}
	}
	streamsTable.write(w)
	fmt.Fprintln(w)
	if len(groupsTable.rows) == 0 {
		fmt.Fprintln(w, lang.Pick("No consumer groups yet: the payment and notification services create theirs when they start.",
			"아직 consumer group이 없다. payment-service와 notification-service가 시작할 때 만든다."))
	} else {
		groupsTable.write(w)
		for _, line := range trimmed {
			deadColor.Fprintln(w, line)
		}
	}
	if len(consumersTable.rows) > 0 {
		fmt.Fprintln(w)
		consumersTable.write(w)
	}
	for _, p := range problems {
		deadColor.Fprintf(w, "\n%s\n", p)
	}
}

// headings splits a table's headings; an underscore stands for a space
// inside one.
func headings(en, ko string) []string {
	h := strings.Fields(lang.Pick(en, ko))
	for i := range h {
		h[i] = strings.ReplaceAll(h[i], "_", " ")
	}
	return h
}

// idle shows a consumer's idle time, to a precision that suits its size.
func idle(ms *int64) cell {
	if ms == nil {
		return cell{"n/a", naColor}
	}
	switch d := time.Duration(*ms) * time.Millisecond; {
	case d < time.Second:
		return plain(duration(d))
	case d < time.Minute:
		return plain(duration(d.Round(100 * time.Millisecond)))
	default:
		return plain(duration(d.Round(time.Second)))
	}
}

// duration is d as Go writes it (850ms, 4.7s, 1m5s, 1h2m3s), with Korean
// units in Korean (850ms, 4.7초, 1분 5초, 1시간 2분 3초).
func duration(d time.Duration) string {
	s := d.String()
	if lang.Current() != "ko" || d < time.Second {
		return s
	}
	var b strings.Builder
	for _, unit := range []struct{ en, ko string }{{"h", "시간 "}, {"m", "분 "}, {"s", "초"}} {
		if n, rest, ok := strings.Cut(s, unit.en); ok {
			b.WriteString(n + unit.ko)
			s = rest
		}
	}
	return strings.TrimSpace(b.String())
}

func isDeadLetter(stream string) bool { return strings.Contains(stream, ":dlq:") }
