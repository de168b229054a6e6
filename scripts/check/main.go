// Command check shows your progress through the exercises: one row per task,
// stage by stage, each done, failing (with its first hint) or not started.
//
//	go run ./scripts/check               your progress
//	go run ./scripts/check -solution     the tests against the reference solutions
//	go run ./scripts/check -mistakes     each common mistake must fail with its hint
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/fatih/color"

	"github.com/streams-workshop/kit/cli"
	"github.com/streams-workshop/kit/lang"
)

const help = `Runs the tests of every stage's exercise folder (go test -json ./exercise/)
and prints one row per task: done, failing with its first hint, or not started.
The last line is
  progress: done=D total=N
It exits 0 whatever your progress, and 1 only when it cannot run.

For teachers (the answers live in each exercise/testdata, out of the
learner's way; go test -overlay puts one in place of the learner's file):
  -solution  runs every test against its reference solution
             (testdata/solutions), then each correct variant
             (testdata/variants); all must pass, else it exits 1.
  -mistakes  runs each task's test against each of its common mistakes
             (testdata/mistakes); each must fail and print the hint meant
             for it, else it exits 1. Last line:
  mistakes: caught=M total=M
  -teach     prints the table of mistakes, with their hints, that
             docs/teaching.md holds.

Messages are in Korean with -lang ko or a Korean LANG or LC_ALL.`

func main() { cli.Main("check", run) }

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	flags := cli.Flags("check", "go run ./scripts/check [-solution | -mistakes] [-stage NN] [-lang en|ko]", help, stderr)
	solution := flags.Bool("solution", false, "check the reference solutions: every task must pass")
	mistakes := flags.Bool("mistakes", false, "check the common mistakes: each must fail with its hint")
	teachTable := flags.Bool("teach", false, "print the teacher's guide's table of mistakes (docs/teaching.md)")
	stages := flags.String("stage", "", "only these stages: folder prefixes, comma-separated (01,05-payment)")
	jobs := flags.Int("j", 2, "how many go test runs at once")
	lang.Flag(flags)
	if err := cli.Parse(flags, args); err != nil {
		return err
	}
	if flags.NArg() > 0 || (*solution && *mistakes) || *jobs < 1 {
		flags.Usage()
		return cli.ErrUsage
	}
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	root, err := findRoot(wd)
	if err != nil {
		return err
	}
	var only []string
	if *stages != "" {
		only = strings.Split(*stages, ",")
	}
	tasks, err := findTasks(root, only)
	if err != nil {
		return err
	}
	if *teachTable {
		return teach(stdout, root, tasks)
	}
	c := &checker{root: root, stdout: stdout, stderr: stderr, jobs: *jobs}
	if *mistakes {
		return c.mistakes(ctx, tasks)
	}
	return c.progress(ctx, tasks, *solution)
}

type checker struct {
	root           string
	stdout, stderr io.Writer
	jobs           int
}

var (
	green  = color.New(color.FgGreen)
	red    = color.New(color.FgRed)
	yellow = color.New(color.FgYellow)
	faint  = color.New(color.Faint)
)

// progress runs each stage's tests once and prints the table.
func (c *checker) progress(ctx context.Context, tasks []task, solution bool) error {
	stages := byStage(tasks)
	results := make([]map[string]result, len(stages))
	errs := make([]error, len(stages))
	c.each(len(stages), func(i int) {
		st := stages[i]
		fmt.Fprintln(c.stderr, faint.Sprint(lang.Pick("checking ", "확인 중 ")+st[0].Stage+" …"))
		var overlay map[string]string
		if solution {
			overlay = solutions(st)
		}
		results[i], errs[i] = goTest(ctx, filepath.Join(c.root, st[0].Stage), overlay, "", lang.Current(), tests(st))
	})
	stageWidth, funcWidth := widths(tasks)
	doneCount := 0
	for i, st := range stages {
		if errs[i] != nil {
			return errs[i]
		}
		for _, t := range st {
			r, ok := results[i][t.Test()]
			if !ok {
				r = result{Status: failing, Hint: lang.Pick("its test did not run", "테스트가 실행되지 않음")}
			}
			if r.Status == done {
				doneCount++
			}
			c.row(stageWidth, funcWidth, t, r)
		}
	}
	fmt.Fprintf(c.stdout, "progress: done=%d total=%d\n", doneCount, len(tasks))
	if solution && doneCount != len(tasks) {
		return fmt.Errorf(lang.Pick("%d of %d reference solutions do not pass", "참고 답안 %[2]d개 중 %[1]d개가 통과하지 못함"), len(tasks)-doneCount, len(tasks))
	}
	if solution {
		return c.variants(ctx, tasks)
	}
	return nil
}

// solutions is the overlay that puts the reference solution of each task of
// a stage in place of the learner's file.
func solutions(stage []task) map[string]string {
	overlay := map[string]string{}
	for _, t := range stage {
		overlay[t.File] = t.Solution
	}
	return overlay
}

// allOf returns the tasks of t's stage.
func allOf(tasks []task, t task) []task {
	var stage []task
	for _, o := range tasks {
		if o.Stage == t.Stage {
			stage = append(stage, o)
		}
	}
	return stage
}

// variants runs each task's test against each of its correct variants: each
// must pass.
func (c *checker) variants(ctx context.Context, tasks []task) error {
	type job struct {
		t task
		v variant
	}
	var jobs []job
	for _, t := range tasks {
		for _, v := range t.Variants {
			jobs = append(jobs, job{t, v})
		}
	}
	verdicts := make([]string, len(jobs))
	passed := make([]bool, len(jobs))
	errs := make([]error, len(jobs))
	c.each(len(jobs), func(i int) {
		j := jobs[i]
		overlay := solutions(allOf(tasks, j.t))
		overlay[j.t.File] = j.v.File
		results, err := goTest(ctx, filepath.Join(c.root, j.t.Stage), overlay, "^"+regexp.QuoteMeta(j.t.Test())+"$", "en", []string{j.t.Test()})
		if err != nil {
			errs[i] = err
			return
		}
		r := results[j.t.Test()]
		passed[i] = r.Status == done
		if passed[i] {
			verdicts[i] = green.Sprint("accepted")
		} else {
			verdicts[i] = red.Sprint("rejected") + "  " + clip(r.Hint)
		}
	})
	stageWidth, funcWidth := widths(tasks)
	n := 0
	for i, j := range jobs {
		if errs[i] != nil {
			return errs[i]
		}
		if passed[i] {
			n++
		}
		fmt.Fprintf(c.stdout, "%s  %s  variant %s  %s\n", pad(j.t.Stage, stageWidth), pad(j.t.Func, funcWidth), j.v.Name, verdicts[i])
	}
	fmt.Fprintf(c.stdout, "variants: accepted=%d total=%d\n", n, len(jobs))
	if n != len(jobs) {
		return fmt.Errorf("%d of %d correct variants were rejected", len(jobs)-n, len(jobs))
	}
	return nil
}

// row prints one task: stage, function, status, and the hint or the file.
func (c *checker) row(stageWidth, funcWidth int, t task, r result) {
	fmt.Fprintf(c.stdout, "%s  %s  ", pad(t.Stage, stageWidth), pad(t.Func, funcWidth))
	switch r.Status {
	case done:
		green.Fprintln(c.stdout, lang.Pick("done", "완료"))
		if r.Lesson != "" {
			faint.Fprintf(c.stdout, "%s  %s\n", strings.Repeat(" ", stageWidth+funcWidth+2), clip(headline(r.Lesson)))
		}
	case notStarted:
		fmt.Fprintf(c.stdout, "%s  %s\n", yellow.Sprint(lang.Pick("not started", "시작 전")), t.File)
	default:
		fmt.Fprintf(c.stdout, "%s  %s\n", red.Sprint(lang.Pick("failing", "실패")), clip(r.Hint))
	}
}

// mistakes runs each task's test against each of its mistakes.
func (c *checker) mistakes(ctx context.Context, tasks []task) error {
	type job struct {
		t task
		m mistake
	}
	var jobs []job
	for _, t := range tasks {
		if len(t.Mistakes) == 0 {
			return fmt.Errorf("%s: %s has no common mistake beside it", t.Stage, t.Func)
		}
		for _, m := range t.Mistakes {
			jobs = append(jobs, job{t, m})
		}
	}
	verdicts := make([]string, len(jobs))
	caught := make([]bool, len(jobs))
	errs := make([]error, len(jobs))
	var mu sync.Mutex
	finished := 0
	c.each(len(jobs), func(i int) {
		j := jobs[i]
		// English, so that the hint can be matched against its Caught by text.
		overlay := solutions(allOf(tasks, j.t))
		overlay[j.t.File] = j.m.File
		results, err := goTest(ctx, filepath.Join(c.root, j.t.Stage), overlay, "^"+regexp.QuoteMeta(j.t.Test())+"$", "en", []string{j.t.Test()})
		if err != nil {
			errs[i] = err
			return
		}
		r := results[j.t.Test()]
		switch {
		case r.Status == done:
			verdicts[i] = red.Sprint("missed") + "  the test passed"
		case r.Status == notStarted:
			verdicts[i] = red.Sprint("missed") + "  the test skipped: " + clip(r.Hint)
		case !strings.Contains(r.Output, j.m.CaughtBy):
			verdicts[i] = red.Sprint("missed") + fmt.Sprintf("  failed without %q: %s", j.m.CaughtBy, clip(r.Hint))
		default:
			caught[i] = true
			verdicts[i] = green.Sprint("caught") + "  " + clip(r.Hint)
		}
		mu.Lock()
		finished++
		fmt.Fprintln(c.stderr, faint.Sprintf("[%d/%d] %s %s %s", finished, len(jobs), j.t.Stage, j.t.Func, j.m.Name))
		mu.Unlock()
	})
	stageWidth, funcWidth := widths(tasks)
	nameWidth := 0
	for _, j := range jobs {
		nameWidth = max(nameWidth, utf8.RuneCountInString(j.m.Name))
	}
	n := 0
	for i, j := range jobs {
		if errs[i] != nil {
			return errs[i]
		}
		if caught[i] {
			n++
		}
		fmt.Fprintf(c.stdout, "%s  %s  %s  %s\n", pad(j.t.Stage, stageWidth), pad(j.t.Func, funcWidth), pad(j.m.Name, nameWidth), verdicts[i])
	}
	fmt.Fprintf(c.stdout, "mistakes: caught=%d total=%d\n", n, len(jobs))
	if n != len(jobs) {
		return fmt.Errorf("%d of %d mistakes were not caught with their hint", len(jobs)-n, len(jobs))
	}
	return nil
}

// each runs f(0..n-1), c.jobs at a time.
func (c *checker) each(n int, f func(i int)) {
	sem := make(chan struct{}, c.jobs)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			f(i)
		}()
	}
	wg.Wait()
}

// byStage groups tasks, which come stage by stage, into one slice a stage.
func byStage(tasks []task) [][]task {
	var stages [][]task
	for i, t := range tasks {
		if i == 0 || t.Stage != tasks[i-1].Stage {
			stages = append(stages, nil)
		}
		stages[len(stages)-1] = append(stages[len(stages)-1], t)
	}
	return stages
}

func tests(tasks []task) []string {
	names := make([]string, len(tasks))
	for i, t := range tasks {
		names[i] = t.Test()
	}
	return names
}

func widths(tasks []task) (stage, fn int) {
	for _, t := range tasks {
		stage = max(stage, utf8.RuneCountInString(t.Stage))
		fn = max(fn, utf8.RuneCountInString(t.Func))
	}
	return stage, fn
}

func pad(s string, width int) string {
	return s + strings.Repeat(" ", max(0, width-utf8.RuneCountInString(s)))
}

// headline is a lesson's first sentence.
func headline(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}

// clip keeps a hint to one readable line.
func clip(s string) string {
	const limit = 140
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	return string([]rune(s)[:limit-1]) + "…"
}
