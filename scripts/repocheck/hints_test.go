package repocheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The glossary of docs/teaching.ko.md, as the exercises' Korean hints must
// follow it: a word to avoid, and the one to use.
var glossary = []struct{ avoid, use string }{
	{"항목", "엔트리"},
	{"크래시", "죽다"},
}

// particleAfterCode is a Korean particle cut off by a space from the ID,
// name or code before it ("XRANGE 는", "ID 를", `"*" 로`): rephrase instead.
var particleAfterCode = regexp.MustCompile(`[A-Za-z0-9_)\]"'` + "`" + `] (은|는|이|가|을|를|의|에|에서|로|으로|와|과|도|만)(\s|[.,:;)]|$)`)

// TestKoreanHints reads every Korean text in the exercises' tests (the second
// argument of lang.Pick) and checks it against the glossary and the spacing
// rule of docs/teaching.ko.md.
func TestKoreanHints(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(root, "[0-9][0-9]-*", "exercise", "*_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob(filepath.Join(root, "kit", "testkit", "exercisetest", "*.go"))
	files = append(files, more...)
	checked := 0
	for _, path := range files {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); !ok || sel.Sel.Name != "Pick" {
				return true
			}
			ast.Inspect(call.Args[1], func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				text, err := strconv.Unquote(lit.Value)
				if err != nil {
					return true
				}
				checked++
				where := fset.Position(lit.Pos())
				rel, _ := filepath.Rel(root, where.Filename)
				for _, g := range glossary {
					if strings.Contains(text, g.avoid) {
						t.Errorf("%s:%d: %q says %s; the glossary says %s", rel, where.Line, text, g.avoid, g.use)
					}
				}
				if m := particleAfterCode.FindString(text); m != "" {
					t.Errorf("%s:%d: %q: a particle cut off by a space (%q): rephrase, as docs/teaching.ko.md says", rel, where.Line, text, m)
				}
				return true
			})
			return false
		})
	}
	if checked < 50 {
		t.Fatalf("only %d Korean texts found in the exercises' tests: the test lost track of them", checked)
	}
}
