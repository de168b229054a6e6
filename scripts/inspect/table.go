package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fatih/color"
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
		widths[i] = utf8.RuneCountInString(h)
	}
	for _, row := range t.rows {
		for i, c := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(c.text))
		}
	}
	line := func(cells []cell) string {
		parts := make([]string, len(cells))
		for i, c := range cells {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c.text))
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
	titleColor.Fprintf(w, "Redis at %s (%s), %s\n\n", where, srv, now.Format("15:04:05"))

	streamsTable := table{header: []string{"STREAM", "LENGTH", "FIRST ID", "LAST ID"}, right: []bool{false, true}}
	groupsTable := table{
		header: []string{"STREAM", "GROUP", "CONSUMERS", "PENDING", "LAST DELIVERED", "ENTRIES READ", "LAG"},
		right:  []bool{false, false, true, true, false, true, true},
	}
	consumersTable := table{header: []string{"STREAM", "GROUP", "CONSUMER", "PENDING", "IDLE"}, right: []bool{false, false, false, true, true}}
	var problems, trimmed []string
	for _, s := range streams {
		if s.Problem != "" {
			problems = append(problems, s.Problem)
		}
		name := cell{s.Name, streamColor}
		if isDeadLetter(s.Name) && s.Length > 0 {
			name.color = deadColor
		}
		length := count(s.Length, nil)
		if !s.Exists {
			length = cell{"none", naColor}
		}
		streamsTable.add(name, length, orDash(s.FirstID), orDash(s.LastID))
		for _, g := range s.Groups {
			groupsTable.add(name, cell{g.Name, groupColor}, count(int64(len(g.Consumers)), nil),
				count(g.Pending, busyColor), orDash(g.LastDeliveredID), maybe(g.EntriesRead, nil), maybe(g.Lag, busyColor))
			if g.Trimmed != nil && *g.Trimmed > 0 {
				trimmed = append(trimmed, fmt.Sprintf("%s, group %s: %d entries trimmed before the group read them "+
					"(never delivered, not counted in LAG)", s.Name, g.Name, *g.Trimmed))
			}
			for _, c := range g.Consumers {
				consumersTable.add(name, cell{g.Name, groupColor}, plain(c.Name), count(c.Pending, busyColor), idle(c.IdleMs))
			}
		}
	}
	streamsTable.write(w)
	fmt.Fprintln(w)
	if len(groupsTable.rows) == 0 {
		fmt.Fprintln(w, "No consumer groups yet: the payment and notification services create theirs when they start.")
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

// idle shows a consumer's idle time, to a precision that suits its size.
func idle(ms *int64) cell {
	if ms == nil {
		return cell{"n/a", naColor}
	}
	switch d := time.Duration(*ms) * time.Millisecond; {
	case d < time.Second:
		return plain(d.String())
	case d < time.Minute:
		return plain(d.Round(100 * time.Millisecond).String())
	default:
		return plain(d.Round(time.Second).String())
	}
}

func isDeadLetter(stream string) bool { return strings.Contains(stream, ":dlq:") }
