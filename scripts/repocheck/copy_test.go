package repocheck

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/streams-workshop/kit/testkit"
)

// root is the repository, two folders up from this package.
const root = "../.."

// TestStageCopiesAlone copies each stage and kit/ alone into an empty
// folder, as the README's "Take a service into your own repository" says, and
// runs what a learner would run there: go build, go vet and go test, with no
// go.work. GOFLAGS=-mod=readonly refuses to fix a go.mod or go.sum on the fly,
// and GOPROXY=off keeps the test on this machine: it uses the module cache
// that building the workspace filled.
//
// It runs each stage's tests too, because a test that reads a file outside
// its stage passes in the repository and fails in a copy. All this takes
// minutes: it is in the full suite only (WORKSHOP_FULL_TESTS=1, teachers and
// CI), and the copies run their full suites too, the variable passed on.
//
// The stages run one after another: each stage's own scripts already run in
// parallel, and six suites at once beside the workspace's own tests raced
// for free ports (a port picked free is taken by the time a service binds
// it). -trimpath lets every copy share the build cache, whatever its folder.
func TestStageCopiesAlone(t *testing.T) {
	testkit.Slow(t, "a copy of each stage, built and tested alone")
	stages, err := filepath.Glob(filepath.Join(root, "0[1-9]-*"))
	if err != nil || len(stages) == 0 {
		t.Fatalf("no stage folders in %s (%v)", root, err)
	}
	for _, stage := range stages {
		name := filepath.Base(stage)
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			copyDir(t, filepath.Join(root, "kit"), filepath.Join(dir, "kit"))
			copyDir(t, stage, filepath.Join(dir, name))

			for _, args := range [][]string{{"build", "./..."}, {"vet", "./..."}, {"test", "-count=1", "./..."}} {
				goCommand(t, filepath.Join(dir, name), args...)
			}
		})
	}
}

// copyDir copies the folder src to dst, which must not exist yet.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
}

// goCommand runs go with args in dir, outside any workspace, and fails the
// test with the command's output if it fails.
func goCommand(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "go", args...)
	cmd.Dir = dir
	// A copied stage is a fresh clone's: its exercises are not started.
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly -trimpath", "GOPROXY=off", "EXERCISES_NOT_STARTED=skip")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("in a copy of %s with kit/ beside it, GOWORK=off go %s failed: %v\n%s",
			filepath.Base(dir), strings.Join(args, " "), err, out)
	}
}
