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
// Its reference solution, correct variants and common mistakes are files of
// the same package under exercise/testdata, where go test does not compile
// them; scripts/check puts one in place of the learner's file with go
// test -overlay.
type task struct {
	Stage    string // the stage folder, such as 01-xadd-xrange
	Func     string // the function to write, such as AddNotification
	File     string // the learner's file, relative to the stage: exercise/add.go
	Solution string // its reference solution: exercise/testdata/solutions/add.go
	Variants []variant
	Mistakes []mistake
}

// Test is the name of the task's test.
func (t task) Test() string { return "Test" + t.Func }

// A variant is another correct answer, which the test must accept:
// exercise/testdata/variants/<file>_<name>.go.
type variant struct {
	Name string
	File string
}

// A mistake is a wrong answer, to prove the task's test fails with the
// hint meant for it: exercise/testdata/mistakes/<file>_<name>.go, whose
// comments hold `Caught by: "<text of the hint>"`.
type mistake struct {
	Name     string // such as inclusive
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

// stageTasks reads one exercise folder: the learner's files (those with a
// solution in testdata/solutions), their variants and mistakes, and the
// order of the tests.
func stageTasks(stage, dir string) ([]task, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	fset := token.NewFileSet()
	byFile := map[string][]*task{} // learner file base (add) -> its tasks
	byFunc := map[string]*task{}
	var order []string // test functions, in file order
	for _, path := range files {
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		base := strings.TrimSuffix(filepath.Base(path), ".go")
		if strings.HasSuffix(base, "_test") {
			for _, fn := range funcs(f) {
				if strings.HasPrefix(fn, "Test") && fn != "TestMain" {
					order = append(order, strings.TrimPrefix(fn, "Test"))
				}
			}
			continue
		}
		solution := filepath.Join("exercise", "testdata", "solutions", base+".go")
		if _, err := os.Stat(filepath.Join(filepath.Dir(dir), solution)); err != nil {
			continue // not a learner's file: doc.go, given.go
		}
		for _, fn := range funcs(f) {
			if ast.IsExported(fn) {
				t := &task{Stage: stage, Func: fn, File: filepath.Join("exercise", base+".go"), Solution: solution}
				byFunc[fn] = t
				byFile[base] = append(byFile[base], t)
			}
		}
	}
	for _, kind := range []string{"variants", "mistakes"} {
		others, err := filepath.Glob(filepath.Join(dir, "testdata", kind, "*.go"))
		if err != nil {
			return nil, err
		}
		sort.Strings(others)
		for _, path := range others {
			if err := addOther(stage, kind, path, fset, byFile); err != nil {
				return nil, err
			}
		}
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

// addOther files a variant or a mistake under the task whose learner file
// its name starts with (add_fixed_id.go: add.go), and whose function it
// writes.
func addOther(stage, kind, path string, fset *token.FileSet, byFile map[string][]*task) error {
	f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
	if err != nil {
		return err
	}
	rel := filepath.Join("exercise", "testdata", kind, filepath.Base(path))
	base := strings.TrimSuffix(filepath.Base(path), ".go")
	var owner string
	for learner := range byFile {
		if strings.HasPrefix(base, learner+"_") && len(learner) > len(owner) {
			owner = learner
		}
	}
	var task *task
	for _, fn := range funcs(f) {
		for _, t := range byFile[owner] {
			if ast.IsExported(fn) && t.Func == fn {
				task = t
			}
		}
	}
	if task == nil {
		return fmt.Errorf("%s/%s: name it <learner file>_<name>.go, and write that file's function", stage, rel)
	}
	name := strings.TrimPrefix(base, owner+"_")
	if kind == "variants" {
		task.Variants = append(task.Variants, variant{Name: name, File: rel})
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	m := caughtBy.FindSubmatch(data)
	if m == nil {
		return fmt.Errorf("%s/%s: a mistake needs a `// Caught by: \"...\"` line", stage, rel)
	}
	task.Mistakes = append(task.Mistakes, mistake{Name: name, File: rel, CaughtBy: string(m[1])})
	return nil
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
