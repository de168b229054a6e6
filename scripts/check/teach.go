package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// The teacher's guide (docs/teaching.md and its Korean twin) holds, between
// these markers, the table that `go run ./scripts/check -teach` prints: each
// common mistake, what the learner wrote, and the hint its test gives. A
// test keeps the guide equal to the files.
const (
	teachStart = "<!-- mistakes: go run ./scripts/check -teach -->"
	teachEnd   = "<!-- end of mistakes -->"
)

var mistakeComment = regexp.MustCompile(`(?s)^// Mistake: (.*?)\n// Caught by:`)

// teach writes the mistakes table of every task, stage by stage.
func teach(w io.Writer, root string, tasks []task) error {
	fmt.Fprintln(w, teachStart)
	stage := ""
	for _, t := range tasks {
		if t.Stage != stage {
			stage = t.Stage
			fmt.Fprintf(w, "\n#### %s\n\n| task | mistake | what the learner wrote | the hint it gets |\n| --- | --- | --- | --- |\n", stage)
		}
		for _, m := range t.Mistakes {
			data, err := os.ReadFile(filepath.Join(root, t.Stage, m.File))
			if err != nil {
				return err
			}
			what := ""
			if c := mistakeComment.FindSubmatch(data); c != nil {
				what = strings.Join(strings.Fields(strings.ReplaceAll(string(c[1]), "\n//", " ")), " ")
			}
			fmt.Fprintf(w, "| `%s` | [`%s`](../%s/%s) | %s | %s |\n", t.Func, m.Name, t.Stage, m.File,
				cell(what), cell(m.CaughtBy))
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, teachEnd)
	return nil
}

// cell keeps a table cell on one line, its pipes and angle brackets escaped.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}
