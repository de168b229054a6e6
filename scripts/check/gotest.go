package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// A result is what go test said about one task's test.
type result struct {
	Status string // done, failing or not started
	Hint   string // failing: the first hint, or the first line of the failure
	Lesson string // done: what the step teaches, when the test says it
	Output string // everything the test printed
}

const (
	done       = "done"
	failing    = "failing"
	notStarted = "not started"
)

// goTest runs `go test -json` on a stage's exercise folder, with the files
// of overlay put in place of the learner's (both relative to the stage; see
// go help build, -overlay), for the tests named (all when run is empty), and
// returns the result of each test by name. A build failure fails every
// test, with the compiler's first line as the hint. A task not started
// skips (EXERCISES_NOT_STARTED=skip), to be told apart from a failure.
func goTest(ctx context.Context, stageDir string, overlay map[string]string, run, language string, tests []string) (map[string]result, error) {
	args := []string{"test", "-json", "-count=1"}
	if len(overlay) > 0 {
		file, err := writeOverlay(stageDir, overlay)
		if err != nil {
			return nil, err
		}
		defer os.Remove(file)
		args = append(args, "-overlay", file)
	}
	if run != "" {
		args = append(args, "-run", run)
	}
	args = append(args, "./exercise/", "-lang", language)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = stageDir
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "EXERCISES_NOT_STARTED=skip")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	var exitErr *exec.ExitError
	if err != nil && !isExit(err, &exitErr) {
		return nil, fmt.Errorf("go test in %s: %v", stageDir, err)
	}
	results, buildOutput := parseEvents(bytes.NewReader(out))
	if len(results) == 0 && err != nil {
		// Nothing ran: the package does not build (or go test itself failed).
		why := firstLine(buildOutput + stderr.String())
		if why == "" {
			return nil, fmt.Errorf("go test in %s: %v", stageDir, err)
		}
		for _, t := range tests {
			results[t] = result{Status: failing, Hint: why, Output: buildOutput + stderr.String()}
		}
	}
	return results, nil
}

// writeOverlay writes go's -overlay file: {"Replace": {learner file: other}},
// with absolute paths.
func writeOverlay(stageDir string, overlay map[string]string) (string, error) {
	replace := map[string]string{}
	for learner, other := range overlay {
		replace[filepath.Join(stageDir, learner)] = filepath.Join(stageDir, other)
	}
	data, err := json.Marshal(map[string]any{"Replace": replace})
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp("", "check-overlay-*.json")
	if err != nil {
		return "", err
	}
	defer f.Close()
	if _, err := f.Write(data); err != nil {
		return "", err
	}
	return f.Name(), nil
}

func isExit(err error, target **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	*target = e
	return ok
}

// event is one line of `go test -json` (see `go doc test2json`).
type event struct {
	Action string
	Test   string
	Output string
}

var (
	hintLine   = regexp.MustCompile(`^\s*(?:hint:|힌트:)\s*(.*)$`)
	lessonLine = regexp.MustCompile(`^\s*\S+\.go:\d+: (?:lesson: |배운 점: )(.*)$`)
	fileLine   = regexp.MustCompile(`^\s*\S+\.go:\d+: ?(.*)$`)
	noise      = regexp.MustCompile(`^(=== |--- |PASS$|FAIL|ok |\s*$)`)
)

// parseEvents reads go test -json output into results for the top-level
// tests, and returns the build output too.
func parseEvents(r io.Reader) (map[string]result, string) {
	results := map[string]result{}
	outputs := map[string]*strings.Builder{}
	var build strings.Builder
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			continue
		}
		if e.Action == "build-output" {
			build.WriteString(e.Output)
			continue
		}
		if e.Test == "" || strings.Contains(e.Test, "/") {
			if e.Test == "" && e.Action == "output" && strings.Contains(e.Output, "setup failed") {
				build.WriteString(e.Output)
			}
			continue
		}
		b, ok := outputs[e.Test]
		if !ok {
			b = &strings.Builder{}
			outputs[e.Test] = b
		}
		switch e.Action {
		case "output":
			b.WriteString(e.Output)
		case "pass":
			results[e.Test] = result{Status: done, Lesson: firstMatch(b.String(), lessonLine), Output: b.String()}
		case "skip":
			results[e.Test] = result{Status: notStarted, Hint: firstSkipLine(b.String()), Output: b.String()}
		case "fail":
			results[e.Test] = result{Status: failing, Hint: firstHint(b.String()), Output: b.String()}
		}
	}
	return results, build.String()
}

// firstHint is the first hint line of a failure; without one, its first line.
func firstHint(out string) string {
	if h := firstMatch(out, hintLine); h != "" {
		return h
	}
	return firstLine(out)
}

func firstSkipLine(out string) string { return firstMatch(out, fileLine) }

func firstMatch(out string, re *regexp.Regexp) string {
	for _, line := range strings.Split(out, "\n") {
		if m := re.FindStringSubmatch(line); m != nil {
			return strings.TrimSpace(m[1])
		}
	}
	return ""
}

// firstLine is the first line that says something: no test framing.
func firstLine(out string) string {
	for _, line := range strings.Split(out, "\n") {
		if noise.MatchString(line) || strings.HasPrefix(line, "#") {
			continue
		}
		if m := fileLine.FindStringSubmatch(line); m != nil && strings.TrimSpace(m[1]) == "" {
			continue
		}
		return strings.TrimSpace(line)
	}
	return ""
}
