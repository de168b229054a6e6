package testkit

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// HelpTwins checks that a program's -h text in Korean is a twin of the English
// one: the same entries ("  NAME  description" lines, such as environment
// variables) in the same order, each description starting at the same column
// and its wrapped lines indented as in English, and the same numbers (ports,
// defaults, bounds), so that a value changed in one language is changed in
// both. It checks the texts before any is printed, so a Hangul character's
// two columns do not matter: only the ASCII names and indents set columns.
func HelpTwins(t testing.TB, english, korean string) {
	t.Helper()
	for _, problem := range helpTwinProblems(english, korean) {
		t.Error(problem)
	}
}

var (
	helpEntry  = regexp.MustCompile(`^  ([A-Z][A-Z0-9_]+) +`)
	helpNumber = regexp.MustCompile(`[0-9]+`)
	hangul     = regexp.MustCompile(`\p{Hangul}`)
)

// helpEntryLayout is one entry of a help text: its name, the column its
// description starts at, and the indents of its wrapped lines.
type helpEntryLayout struct {
	name    string
	column  int
	indents []int
}

func helpLayout(text string) []helpEntryLayout {
	var entries []helpEntryLayout
	for line := range strings.SplitSeq(text, "\n") {
		if m := helpEntry.FindString(line); m != "" {
			entries = append(entries, helpEntryLayout{name: strings.TrimSpace(m), column: len(m)})
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " "))
		if len(entries) > 0 && indent > 2 && strings.TrimSpace(line) != "" {
			last := &entries[len(entries)-1]
			last.indents = append(last.indents, indent)
		} else if indent <= 2 {
			entries = append(entries, helpEntryLayout{}) // a line between entries ends the last one
		}
	}
	return slices.DeleteFunc(entries, func(e helpEntryLayout) bool { return e.name == "" })
}

func helpTwinProblems(english, korean string) []string {
	var problems []string
	for _, text := range []string{english, korean} {
		if strings.Contains(text, "%!") {
			problems = append(problems, fmt.Sprintf("a bad format verb (%%!) in:\n%s", text))
		}
	}
	if !hangul.MatchString(korean) {
		problems = append(problems, "the Korean help has no Hangul")
	}
	en, ko := helpLayout(english), helpLayout(korean)
	name := func(e helpEntryLayout) string { return e.name }
	if !slices.Equal(mapped(en, name), mapped(ko, name)) {
		problems = append(problems, fmt.Sprintf("entries differ:\n  English: %v\n  Korean:  %v", mapped(en, name), mapped(ko, name)))
	} else {
		for i, e := range en {
			k := ko[i]
			if k.column != e.column {
				problems = append(problems, fmt.Sprintf("%s: the description starts at column %d in Korean, %d in English", e.name, k.column, e.column))
			}
			allowed := e.indents
			if len(allowed) == 0 {
				allowed = []int{e.column}
			}
			for _, indent := range k.indents {
				if !slices.Contains(allowed, indent) {
					problems = append(problems, fmt.Sprintf("%s: a wrapped line indented %d in Korean, want one of %v as in English", e.name, indent, allowed))
				}
			}
		}
	}
	numEN, numKO := helpNumber.FindAllString(english, -1), helpNumber.FindAllString(korean, -1)
	slices.Sort(numEN)
	slices.Sort(numKO)
	if !slices.Equal(numEN, numKO) {
		problems = append(problems, fmt.Sprintf("numbers differ:\n  English: %v\n  Korean:  %v", numEN, numKO))
	}
	return problems
}

func mapped[T, U any](s []T, f func(T) U) []U {
	out := make([]U, 0, len(s))
	for _, v := range s {
		out = append(out, f(v))
	}
	return out
}
