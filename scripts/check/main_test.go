package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/streams-workshop/kit/testkit"
)

func root(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	r, err := findRoot(wd)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Every stage has at least two tasks, each with a mistake that names its hint.
func TestFindTasks(t *testing.T) {
	tasks, err := findTasks(root(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	perStage := map[string]int{}
	for _, task := range tasks {
		perStage[task.Stage]++
		if len(task.Mistakes) == 0 {
			t.Errorf("%s %s: no mistake", task.Stage, task.Func)
		}
		for _, m := range task.Mistakes {
			if m.CaughtBy == "" || !strings.HasPrefix(m.File, "exercise/testdata/mistakes/") {
				t.Errorf("%s %s %s: file %s, caught by %q", task.Stage, task.Func, m.Name, m.File, m.CaughtBy)
			}
		}
		if _, err := os.Stat(filepath.Join(root(t), task.Stage, task.Solution)); err != nil {
			t.Errorf("%s %s: %v", task.Stage, task.Func, err)
		}
		if _, err := os.Stat(filepath.Join(root(t), task.Stage, task.File)); err != nil {
			t.Errorf("%s %s: %v", task.Stage, task.Func, err)
		}
	}
	for stage, n := range perStage {
		if n < 2 {
			t.Errorf("%s has %d task(s), want at least 2", stage, n)
		}
	}
	if len(tasks) < 2 {
		t.Fatalf("%d tasks", len(tasks))
	}
	if got := tasks[0].Stage + " " + tasks[0].Func; got != "01-xadd-xrange AddNotification" {
		t.Errorf("first task = %s, want 01-xadd-xrange AddNotification", got)
	}
}

func TestParseEvents(t *testing.T) {
	in := `{"Action":"run","Test":"TestA"}
{"Action":"output","Test":"TestA","Output":"    x_test.go:10: not started: open exercise/a.go and write A\n"}
{"Action":"skip","Test":"TestA"}
{"Action":"output","Test":"TestB","Output":"    x_test.go:20: \n"}
{"Action":"output","Test":"TestB","Output":"        expected: two\n"}
{"Action":"output","Test":"TestB","Output":"        hint:     use (\n"}
{"Action":"output","Test":"TestB/sub","Output":"ignored\n"}
{"Action":"fail","Test":"TestB"}
{"Action":"output","Test":"TestC","Output":"    x_test.go:30: lesson: the order was lost\n"}
{"Action":"pass","Test":"TestC"}
{"Action":"output","Test":"TestD","Output":"panic: boom\n"}
{"Action":"fail","Test":"TestD"}
not json
`
	got, _ := parseEvents(strings.NewReader(in))
	want := map[string]result{
		"TestA": {Status: notStarted, Hint: "not started: open exercise/a.go and write A"},
		"TestB": {Status: failing, Hint: "use ("},
		"TestC": {Status: done, Lesson: "the order was lost"},
		"TestD": {Status: failing, Hint: "panic: boom"},
	}
	for name, w := range want {
		g := got[name]
		if g.Status != w.Status || g.Hint != w.Hint || g.Lesson != w.Lesson {
			t.Errorf("%s = %+v, want %+v", name, g, w)
		}
	}
}

// A learner's file that does not compile fails every task of its stage, with
// the compiler's message, and check still exits 0.
func TestBuildFailure(t *testing.T) {
	in := `{"ImportPath":"x/exercise","Action":"build-output","Output":"# x/exercise\n"}
{"ImportPath":"x/exercise","Action":"build-output","Output":"exercise/add.go:5:2: undefined: foo\n"}
{"ImportPath":"x/exercise","Action":"build-fail"}
`
	results, build := parseEvents(strings.NewReader(in))
	if len(results) != 0 || firstLine(build) != "exercise/add.go:5:2: undefined: foo" {
		t.Errorf("results %v, first line %q", results, firstLine(build))
	}
}

func TestHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-h"}, os.Getenv, &stdout, &stderr)
	if !errors.Is(err, flag.ErrHelp) || !strings.Contains(stderr.String(), "progress: done=D total=N") {
		t.Errorf("err %v, help:\n%s", err, stderr.String())
	}
}

// The reference solutions of stage 01 pass, and the table says so.
func TestSolutionOfOneStage(t *testing.T) {
	testkit.Slow(t, "runs go test for each solution")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-solution", "-stage", "01", "-lang", "en"}, os.Getenv, &stdout, &stderr)
	if err != nil {
		t.Fatalf("%v\n%s%s", err, stdout.String(), stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if !strings.Contains(stdout.String(), "\nprogress: done=2 total=2\n") || !strings.HasPrefix(lines[len(lines)-1], "variants: accepted=") ||
		!strings.HasPrefix(lines[0], "01-xadd-xrange  AddNotification  done") {
		t.Errorf("output:\n%s", stdout.String())
	}
	if !strings.Contains(stderr.String(), "checking 01-xadd-xrange") {
		t.Errorf("no progress on stderr: %q", stderr.String())
	}
}

// Each mistake of stage 01 fails with its hint.
func TestMistakesOfOneStage(t *testing.T) {
	testkit.Slow(t, "runs go test for each mistake")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-mistakes", "-stage", "01"}, os.Getenv, &stdout, &stderr)
	if err != nil {
		t.Fatalf("%v\n%s%s", err, stdout.String(), stderr.String())
	}
	tasks, err := findTasks(root(t), []string{"01"})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, task := range tasks {
		n += len(task.Mistakes)
	}
	if want := fmt.Sprintf("mistakes: caught=%d total=%d\n", n, n); n < 8 || !strings.HasSuffix(stdout.String(), want) {
		t.Errorf("%d mistakes in stage 01; output:\n%s", n, stdout.String())
	}
}

// The teacher's guide, in both languages, holds the table of mistakes as
// `check -teach` prints it from the mistake files: a mistake added, renamed
// or given another hint shows here until the guide is regenerated.
func TestTeachingGuideListsEveryMistake(t *testing.T) {
	r := root(t)
	tasks, err := findTasks(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	if err := teach(&want, r, tasks); err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{"teaching.md", "teaching.ko.md"} {
		data, err := os.ReadFile(filepath.Join(r, "docs", page))
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		start, end := strings.Index(text, teachStart), strings.Index(text, teachEnd)
		if start < 0 || end < start {
			t.Errorf("docs/%s has no table of mistakes between %q and %q", page, teachStart, teachEnd)
			continue
		}
		if got := text[start : end+len(teachEnd)+1]; got != want.String() {
			t.Errorf("docs/%s: the table of mistakes is not what `go run ./scripts/check -teach` prints; paste its output in", page)
		}
	}
}
