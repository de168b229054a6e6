package repocheck

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestLayoutListsEveryPackage checks the Layout section of README.md and of
// its Korean mirror against the tree: every folder that holds a Go package
// has a line of its own, and every folder listed exists.
func TestLayoutListsEveryPackage(t *testing.T) {
	packages := goPackageDirs(t)
	for _, readme := range []struct{ file, heading string }{
		{"README.md", "## Layout"},
		{"README.ko.md", "## 구성"},
	} {
		listed := layoutDirs(t, readme.file, readme.heading)
		for _, dir := range packages {
			if !slices.Contains(listed, dir) {
				t.Errorf("%s, %s: package folder %s/ has no line; add one under its parent", readme.file, readme.heading, dir)
			}
		}
		for _, dir := range listed {
			if !isDir(filepath.Join(root, dir)) {
				t.Errorf("%s, %s: lists %s/, which does not exist", readme.file, readme.heading, dir)
			}
		}
	}
}

// layoutLine is a line of the Layout block that names a folder: its
// indentation (two spaces a level) and the name.
var layoutLine = regexp.MustCompile(`^( *)([\w.-]+)/(?:\s|$)`)

// layoutDirs returns the folders listed in the first code block after heading,
// as paths from the repository's root.
func layoutDirs(t *testing.T, file, heading string) []string {
	text := readFile(t, filepath.Join(root, file))
	_, section, ok := strings.Cut(text, "\n"+heading+"\n")
	if !ok {
		t.Fatalf("%s: no %q heading", file, heading)
	}
	_, block, ok := strings.Cut(section, "```") // then the info string, if any (```text)
	_, block, _ = strings.Cut(block, "\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatalf("%s, %s: no code block", file, heading)
	}
	var dirs, parents []string
	for _, line := range strings.Split(block, "\n") {
		m := layoutLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		depth := len(m[1]) / 2
		if depth > len(parents) {
			t.Fatalf("%s, %s: %q is indented deeper than the folder above it", file, heading, line)
		}
		parents = append(parents[:depth], m[2])
		dirs = append(dirs, strings.Join(parents, "/"))
	}
	if len(dirs) == 0 {
		t.Fatalf("%s, %s: no folders listed", file, heading)
	}
	return dirs
}

// goPackageDirs returns every folder of the repository that holds .go
// files, outside testdata and hidden folders.
func goPackageDirs(t *testing.T) []string {
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".go") {
			dir, _ := filepath.Rel(root, filepath.Dir(path))
			if dir = filepath.ToSlash(dir); !slices.Contains(dirs, dir) {
				dirs = append(dirs, dir)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
