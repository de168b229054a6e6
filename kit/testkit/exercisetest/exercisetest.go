// Package exercisetest is what the exercises' tests share: a private Redis per
// test, a client for the learner's code that the test can watch and stop,
// and failure messages written for a learner (expected, got, hint), in the
// learner's language (see kit/lang; `go test ./exercise/ -lang ko` works too).
package exercisetest

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"unicode"

	"github.com/streams-workshop/kit/exercise"
	"github.com/streams-workshop/kit/lang"
)

func init() {
	// `go test ./exercise/ -lang ko`: flags after the package go to the test binary.
	if flag.Lookup("lang") == nil {
		lang.Flag(flag.CommandLine)
	}
}

// NotStartedEnv names the variable that turns a not-started task into a
// skip: scripts/check sets it to read progress, and teachers and CI set it
// for `go test work` on a fresh clone. A learner's `go test ./...` fails
// until every task of the stage is done.
const NotStartedEnv = "EXERCISES_NOT_STARTED"

// StopIfNotStarted ends the test when err is exercise.ErrNotStarted, with
// one line naming the file and the function to write, and where the README
// teaches it: a failure, or a skip with EXERCISES_NOT_STARTED=skip. task is
// the function.
func StopIfNotStarted(t testing.TB, err error, task any) {
	t.Helper()
	if !errors.Is(err, exercise.ErrNotStarted) {
		return
	}
	if os.Getenv(NotStartedEnv) == "skip" {
		t.Skip(NotStartedLine(task))
	}
	t.Fatal(NotStartedLine(task))
}

// NotStartedLine is the line a not-started test stops with: which file to
// open, which function to write, and the README section.
func NotStartedLine(task any) string {
	fn := runtime.FuncForPC(reflect.ValueOf(task).Pointer())
	file, _ := fn.FileLine(fn.Entry())
	name := fn.Name()[strings.LastIndex(fn.Name(), ".")+1:]
	where := "exercise/" + filepath.Base(file)
	return lang.Pick(
		fmt.Sprintf("not started: open %s and write %s (README.md, Your turn)", where, name),
		fmt.Sprintf("시작 전: %s 파일을 열어 %s 함수를 작성하세요(README.ko.md, 여러분 차례)", where, name))
}

// Report is a failure as a learner reads it. Each part is already in the
// learner's language (write it with lang.Pick).
type Report struct {
	Want string // what the test expected
	Got  string // what happened: stream contents, pending counts, payments
	Hint string // what to change, and which README section explains it
}

// String lays a report out on indented lines; scripts/check shows the hint line.
func (r Report) String() string {
	var b strings.Builder
	b.WriteString("\n")
	line := func(label, text string) {
		if text == "" {
			return
		}
		text = strings.ReplaceAll(strings.TrimRight(text, "\n"), "\n", "\n              ")
		fmt.Fprintf(&b, "    %s%s %s\n", label, strings.Repeat(" ", max(0, 9-width(label))), text)
	}
	line(lang.Pick("expected:", "기대:"), r.Want)
	line(lang.Pick("got:", "결과:"), r.Got)
	line(lang.Pick("hint:", "힌트:"), r.Hint)
	return b.String()
}

// Fail marks the test failed with r and carries on.
func Fail(t testing.TB, r Report) {
	t.Helper()
	t.Error(r.String())
}

// Fatal marks the test failed with r and stops it.
func Fatal(t testing.TB, r Report) {
	t.Helper()
	t.Fatal(r.String())
}

// Lesson logs what a passing step teaches, such as the order a crash lost.
// `go test -v` and scripts/check show it.
func Lesson(t testing.TB, text string) {
	t.Helper()
	t.Log(lang.Pick("lesson: ", "배운 점: ") + text)
}

// width is how many columns s takes on a terminal: a Hangul or CJK character
// takes two.
func width(s string) int {
	n := 0
	for _, r := range s {
		n++
		if unicode.In(r, unicode.Hangul, unicode.Han) {
			n++
		}
	}
	return n
}
