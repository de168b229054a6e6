package repocheck

import (
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

var (
	// fence is a fenced code block, codeSpan an inline one: links in
	// them are examples, not links.
	fence    = regexp.MustCompile("(?ms)^\\s*```.*?^\\s*```")
	codeSpan = regexp.MustCompile("`[^`\n]*`")
	// link is the target of a Markdown link or image: ](target),
	// ](<target>), or either with a "title".
	link = regexp.MustCompile(`\]\(\s*(?:<([^>\n]*)>|([^)\s]+))(?:\s+"[^"]*")?\s*\)`)
	// heading is an ATX heading; anchor an explicit HTML anchor.
	heading = regexp.MustCompile(`(?m)^#{1,6}[ \t]+(.+?)[ \t#]*$`)
	anchor  = regexp.MustCompile(`<a\s+(?:name|id)="([^"]+)"`)
)

// TestMarkdownLinks checks that every relative link in every Markdown file
// of the repository points at a file or folder that exists and, where it
// names a heading (file.md#heading, or #heading on the same page), at a
// heading that exists.
func TestMarkdownLinks(t *testing.T) {
	files := markdownFiles(t)
	if len(files) == 0 {
		t.Fatal("no Markdown files found")
	}
	checked := 0
	for _, file := range files {
		rel, _ := filepath.Rel(root, file)
		for _, target := range links(readFile(t, file)) {
			checked++
			target, fragment, _ := strings.Cut(target, "#")
			path, err := url.PathUnescape(target)
			if err != nil {
				t.Errorf("%s: link (%s) is not a valid path: %v", rel, target, err)
				continue
			}
			dest := filepath.Join(filepath.Dir(file), filepath.FromSlash(path))
			if path == "" { // #heading on the same page
				dest = file
			}
			if _, err := os.Stat(dest); err != nil {
				t.Errorf("%s: link (%s) points at nothing", rel, target)
				continue
			}
			if fragment != "" && strings.HasSuffix(dest, ".md") && !anchors(readFile(t, dest))[fragment] {
				t.Errorf("%s: link (%s#%s): %s has no such heading", rel, target, fragment, filepath.Base(dest))
			}
		}
	}
	if checked == 0 {
		t.Fatal("no relative links found: is the pattern right?")
	}
	t.Logf("%d relative links in %d Markdown files", checked, len(files))
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// links returns the target of each relative link in a Markdown text, with
// its #fragment; a link to the same page is "#fragment". Links with a scheme
// (https:, mailto:) are left out.
func links(text string) []string {
	text = fence.ReplaceAllString(text, "")
	text = codeSpan.ReplaceAllString(text, "")
	var targets []string
	for _, m := range link.FindAllStringSubmatch(text, -1) {
		target := m[1] + m[2]
		if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
			continue
		}
		targets = append(targets, target)
	}
	return targets
}

// anchors returns the fragments a Markdown text can be linked to, as GitHub
// makes them: each heading in lower case, with spaces made hyphens and
// punctuation other than - and _ dropped; a repeated one gets -1, -2, ...
func anchors(text string) map[string]bool {
	set := map[string]bool{}
	for _, m := range anchor.FindAllStringSubmatch(text, -1) {
		set[m[1]] = true
	}
	seen := map[string]int{}
	for _, m := range heading.FindAllStringSubmatch(fence.ReplaceAllString(text, ""), -1) {
		slug := strings.Map(func(r rune) rune {
			switch {
			case r == ' ':
				return '-'
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r):
				return unicode.ToLower(r)
			}
			return -1
		}, stripMarkup(m[1]))
		if n := seen[slug]; n > 0 {
			set[slug+"-"+strconv.Itoa(n)] = true
		} else {
			set[slug] = true
		}
		seen[slug]++
	}
	return set
}

// stripMarkup keeps a link's text and drops its target, as a heading's
// anchor does.
func stripMarkup(s string) string {
	return regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`).ReplaceAllString(s, "$1")
}

// markdownFiles lists the *.md files of the repository, outside hidden
// folders such as .git.
func markdownFiles(t *testing.T) []string {
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".md") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestLinks(t *testing.T) {
	text := "See [pay.go](05-payment-service/pay.go), [docs](docs/production.md#redis-cluster \"prod\"),\n" +
		"[web](https://redis.io), [top](#layout), ![img](<img/a b.png>) and `[not](a-link.md)`.\n" +
		"```\n[nor](this.md)\n```\n"
	got := strings.Join(links(text), " ")
	want := "05-payment-service/pay.go docs/production.md#redis-cluster #layout img/a b.png"
	if got != want {
		t.Errorf("links = %q, want %q", got, want)
	}
}

func TestAnchors(t *testing.T) {
	text := "# Redis Streams, in Go\n## Step 1: XADD (and `XRANGE`)\n## Step 1: XADD (and `XRANGE`)\n" +
		"### 서비스를 내 저장소로 가져가기\n## See [kit](kit/) too ##\n```\n# not a heading\n```\n<a id=\"custom\"></a>\n"
	got := anchors(text)
	for _, want := range []string{"redis-streams-in-go", "step-1-xadd-and-xrange", "step-1-xadd-and-xrange-1",
		"서비스를-내-저장소로-가져가기", "see-kit-too", "custom"} {
		if !got[want] {
			t.Errorf("anchors lack %q; have %v", want, got)
		}
	}
	if got["not-a-heading"] {
		t.Error("a line in a code block made an anchor")
	}
}
