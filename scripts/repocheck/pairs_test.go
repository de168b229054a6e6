package repocheck

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestKoreanPairs checks that every Markdown page has a Korean twin beside
// it (README.md and README.ko.md, production.md and production.ko.md) and
// that the two have not drifted apart. The rule, simple on purpose:
//
//  1. Headings: the same number at each level, in the same order (only the
//     levels are compared: the words are translated).
//  2. Code blocks: the same number of fenced blocks, each with the same info
//     string (sh, json, text...) and the same number of lines.
//  3. In blocks marked mermaid or text (diagrams, annotated listings, and
//     output shown as it reads in the page's language), that is all: their
//     words are translated.
//  4. In every other block each line is the same in both, comments apart: a
//     line whose first non-blank characters are "#" or "== " (a shell comment,
//     or the explanation and the step title a lesson prints) may differ, and
//     so may the end of a line from " # " on (a trailing shell comment).
//
// So a command, an output line or a number changed on one side only fails
// here, and the message says which line of which file to mirror.
func TestKoreanPairs(t *testing.T) {
	pairs := 0
	for _, file := range markdownFiles(t) {
		if strings.HasSuffix(file, ".ko.md") {
			continue
		}
		rel, _ := filepath.Rel(root, file)
		ko := strings.TrimSuffix(file, ".md") + ".ko.md"
		if _, err := os.Stat(ko); err != nil {
			t.Errorf("%s has no Korean twin: write %s with the same sections, commands and numbers", rel, filepath.Base(ko))
			continue
		}
		pairs++
		for _, drift := range compareTwins(readFile(t, file), readFile(t, ko)) {
			t.Errorf("%s and its .ko.md: %s", rel, drift)
		}
	}
	if pairs == 0 {
		t.Fatal("no Markdown pairs found")
	}
	t.Logf("%d pairs", pairs)
}

// compareTwins returns how an English page and its Korean twin differ, by
// the rule of TestKoreanPairs; nothing when they agree.
func compareTwins(en, ko string) []string {
	var drifts []string
	if a, b := headingLevels(en), headingLevels(ko); !slices.Equal(a, b) {
		drifts = append(drifts, fmt.Sprintf("heading levels differ:\n  en %v\n  ko %v", a, b))
	}
	enBlocks, koBlocks := codeBlocks(en), codeBlocks(ko)
	if len(enBlocks) != len(koBlocks) {
		return append(drifts, fmt.Sprintf("%d code blocks in English, %d in Korean", len(enBlocks), len(koBlocks)))
	}
	for i, e := range enBlocks {
		k := koBlocks[i]
		where := fmt.Sprintf("code block %d (English line %d, Korean line %d)", i+1, e.line, k.line)
		if e.info != k.info || len(e.lines) != len(k.lines) {
			drifts = append(drifts, fmt.Sprintf("%s: ```%s with %d lines against ```%s with %d lines", where, e.info, len(e.lines), k.info, len(k.lines)))
			continue
		}
		if e.info == "mermaid" || e.info == "text" {
			continue
		}
		for j := range e.lines {
			if withoutComment(e.lines[j]) != withoutComment(k.lines[j]) {
				drifts = append(drifts, fmt.Sprintf("%s, its line %d:\n  en %q\n  ko %q", where, j+1, e.lines[j], k.lines[j]))
			}
		}
	}
	return drifts
}

// fenceLine opens or closes a fenced code block.
var fenceLine = regexp.MustCompile("^\\s*```\\s*(\\S*)")

type codeBlock struct {
	line  int    // of the opening fence, from 1
	info  string // the info string: sh, json, mermaid...
	lines []string
}

// codeBlocks returns the fenced code blocks of a Markdown text, in order.
func codeBlocks(text string) []codeBlock {
	var blocks []codeBlock
	var open *codeBlock
	for i, line := range strings.Split(text, "\n") {
		m := fenceLine.FindStringSubmatch(line)
		switch {
		case open == nil && m != nil:
			open = &codeBlock{line: i + 1, info: m[1]}
		case open != nil && m != nil:
			blocks = append(blocks, *open)
			open = nil
		case open != nil:
			open.lines = append(open.lines, line)
		}
	}
	return blocks
}

// headingLevels returns the level of each heading outside code blocks.
func headingLevels(text string) []int {
	var levels []int
	for _, m := range heading.FindAllString(fence.ReplaceAllString(text, ""), -1) {
		levels = append(levels, len(m)-len(strings.TrimLeft(m, "#")))
	}
	return levels
}

// withoutComment is a code line with what may be translated taken out.
func withoutComment(line string) string {
	trimmed := strings.TrimLeft(line, " \t")
	if strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, "== ") {
		return ""
	}
	before, _, _ := strings.Cut(line, " # ")
	return before
}

// The rule itself, on small pages: what may differ, and what may not.
func TestCompareTwins(t *testing.T) {
	en := "# Title\n\n## Run\n\n```sh\n# terminal 1\ngo run ./x   # the lesson\n```\n\n" +
		"```\n== Step one\n> XLEN s\n(integer) 4\n# four entries\n```\n\n```mermaid\nA[Order] --> B\n```\n"
	ko := "# 제목\n\n## 실행\n\n```sh\n# 터미널 1\ngo run ./x   # 레슨\n```\n\n" +
		"```\n== 첫 단계\n> XLEN s\n(integer) 4\n# 엔트리 네 개\n```\n\n```mermaid\nA[주문] --> B\n```\n"
	if drifts := compareTwins(en, ko); len(drifts) != 0 {
		t.Errorf("a faithful translation drifts: %q", drifts)
	}
	for name, broken := range map[string]string{
		"a command changed":   strings.Replace(ko, "go run ./x", "go run ./y", 1),
		"a reply changed":     strings.Replace(ko, "(integer) 4", "(integer) 5", 1),
		"a line added":        strings.Replace(ko, "(integer) 4\n", "(integer) 4\n(integer) 4\n", 1),
		"a heading missing":   strings.Replace(ko, "## 실행\n", "", 1),
		"a heading's level":   strings.Replace(ko, "## 실행", "### 실행", 1),
		"a block missing":     strings.Replace(ko, "```mermaid\nA[주문] --> B\n```\n", "", 1),
		"a block's language":  strings.Replace(ko, "```sh", "```bash", 1),
		"a diagram's length":  strings.Replace(ko, "A[주문] --> B\n", "A[주문] --> B\nB --> C\n", 1),
		"a comment made code": strings.Replace(ko, "# 엔트리 네 개", "엔트리 네 개", 1),
	} {
		if len(compareTwins(en, broken)) == 0 {
			t.Errorf("%s: not caught", name)
		}
	}
}
