package main

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// A task is one function a learner writes, in a stage's exercise folder.
type task struct {
	Stage    string // the stage folder, such as 01-xadd-xrange
	Func     string // the function to write, such as AddNotification
	File     string // the learner's file, relative to the stage: exercise/add.go
	Mistakes []mistake
}

// Test is the name of the task's test.
func (t task) Test() string { return "Test" + t.Func }

// A mistake is a wrong answer kept beside a task, to prove its test fails
// with the hint meant for it. Its file's build line is
// `//go:build mistake_<task> && <name>`, and its comments hold
// `Caught by: "<text of the hint>"`.
type mistake struct {
	Name     string   // such as inclusive
	Tags     []string // the build tags that select it, with solution
	File     string
	CaughtBy string // text the failing test's output must hold
}

var caughtBy = regexp.MustCompile(`(?m)^// Caught by: "(.+)"$`)

// findRoot walks up from dir to the folder that holds go.work.
func findRoot(dir string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.work")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New("no go.work found here or above: run it from the workshop's folder (go run ./scripts/check)")
		}
	}
}

// findTasks lists the tasks of every stage under root whose folder starts
// with one of only (all when only is empty), stage by stage, each stage's
// tasks in the order of their tests.
func findTasks(root string, only []string) ([]task, error) {
	dirs, err := filepath.Glob(filepath.Join(root, "[0-9][0-9]-*", "exercise"))
	if err != nil {
		return nil, err
	}
	sort.Strings(dirs)
	var tasks []task
	for _, dir := range dirs {
		stage := filepath.Base(filepath.Dir(dir))
		if !selected(stage, only) {
			continue
		}
		st, err := stageTasks(stage, dir)
		if err != nil {
			return nil, err
		}
		tasks = append(tasks, st...)
	}
	if len(tasks) == 0 {
		return nil, fmt.Errorf("no tasks found in %s/NN-*/exercise", root)
	}
	return tasks, nil
}

func selected(stage string, only []string) bool {
	if len(only) == 0 {
		return true
	}
	for _, o := range only {
		if strings.HasPrefix(stage, o) {
			return true
		}
	}
	return false
}

// stageTasks reads one exercise folder: learner's files (build line
// `!solution`), mistakes, and the order of the tests.
func stageTasks(stage, dir string) ([]task, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	fset := token.NewFileSet()
	byFunc := map[string]*task{}
	var order []string // test functions, in file order
	var mistakes []mistake
	var mistakeFuncs []string
	for _, path := range files {
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		rel := filepath.Join("exercise", filepath.Base(path))
		if strings.HasSuffix(path, "_test.go") {
			for _, fn := range funcs(f) {
				if strings.HasPrefix(fn, "Test") && fn != "TestMain" {
					order = append(order, strings.TrimPrefix(fn, "Test"))
				}
			}
			continue
		}
		build := buildLine(f)
		switch {
		case build == "!solution":
			for _, fn := range funcs(f) {
				if ast.IsExported(fn) {
					byFunc[fn] = &task{Stage: stage, Func: fn, File: rel}
				}
			}
		case strings.HasPrefix(build, "mistake_"):
			m, fn, err := readMistake(path, rel, build, f)
			if err != nil {
				return nil, err
			}
			mistakes = append(mistakes, m)
			mistakeFuncs = append(mistakeFuncs, fn)
		}
	}
	for i, m := range mistakes {
		t, ok := byFunc[mistakeFuncs[i]]
		if !ok {
			return nil, fmt.Errorf("%s/%s: %s is no task of this stage", stage, m.File, mistakeFuncs[i])
		}
		t.Mistakes = append(t.Mistakes, m)
	}
	var tasks []task
	for _, fn := range order {
		if t, ok := byFunc[fn]; ok {
			tasks = append(tasks, *t)
			delete(byFunc, fn)
		}
	}
	for fn := range byFunc {
		return nil, fmt.Errorf("%s: task %s has no test Test%s", stage, fn, fn)
	}
	return tasks, nil
}

// readMistake reads a mistake's tags, its function and its Caught by text.
func readMistake(path, rel, build string, f *ast.File) (mistake, string, error) {
	var tags []string
	for _, tag := range strings.Split(build, "&&") {
		tags = append(tags, strings.TrimSpace(tag))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return mistake{}, "", err
	}
	m := caughtBy.FindSubmatch(data)
	exported := []string{}
	for _, fn := range funcs(f) {
		if ast.IsExported(fn) {
			exported = append(exported, fn)
		}
	}
	if len(tags) != 2 || m == nil || len(exported) != 1 {
		return mistake{}, "", fmt.Errorf("%s: a mistake needs `//go:build mistake_<task> && <name>`, one exported function, and a `// Caught by: \"...\"` line", path)
	}
	return mistake{Name: tags[1], Tags: append([]string{"solution"}, tags...), File: rel, CaughtBy: string(m[1])}, exported[0], nil
}

// buildLine returns the expression of a file's //go:build line.
func buildLine(f *ast.File) string {
	for _, g := range f.Comments {
		if g.Pos() > f.Package {
			break
		}
		for _, c := range g.List {
			if expr, ok := strings.CutPrefix(c.Text, "//go:build "); ok {
				return strings.TrimSpace(expr)
			}
		}
	}
	return ""
}

// funcs lists the top-level functions of f (not methods), in order.
func funcs(f *ast.File) []string {
	var names []string
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil {
			names = append(names, fn.Name.Name)
		}
	}
	return names
}
