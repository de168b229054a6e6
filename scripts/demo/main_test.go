package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/streams-workshop/kit/testkit"
	"github.com/streams-workshop/scripts/services"
)

// TestMain lets the scripts run this program as the command `demo`.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"demo": main})
}

func TestScripts(t *testing.T) {
	testkit.Slow(t, "the demo, built and run as a learner runs it")
	// The demo runs go build, which needs the Go settings that testscript's
	// clean environment leaves out, and the workspace to build from.
	goEnv := map[string]string{}
	out, err := exec.Command("go", "env", "-json", "GOCACHE", "GOMODCACHE", "GOPATH", "GOFLAGS", "GOPROXY", "GOSUMDB", "GOTOOLCHAIN").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	if err := json.Unmarshal(out, &goEnv); err != nil {
		t.Fatal(err)
	}
	if goEnv["GOWORK"], err = filepath.Abs(filepath.Join("..", "..", "go.work")); err != nil {
		t.Fatal(err)
	}
	// Each script's demo builds the services; build them once first, so that
	// those builds hit the cache instead of compiling the same code side by side.
	// They are on the scripts' PATH too, for a script that runs them as
	// services of yours, left running from Step 4.
	binDir := t.TempDir()
	if err := services.Build(t.Context(), filepath.Join("..", ".."), binDir); err != nil {
		t.Fatal(err)
	}
	testkit.Run(t, testscript.Params{
		Setup: func(env *testscript.Env) error {
			for k, v := range goEnv {
				env.Setenv(k, v)
			}
			env.Setenv("PATH", binDir+string(os.PathListSeparator)+env.Getenv("PATH"))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){"gone": cmdGone},
	})
}

// cmdGone checks that every process the last command's stdout names as
// "pid N" has exited.
func cmdGone(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: gone")
	}
	pids := regexp.MustCompile(`pid (\d+)`).FindAllStringSubmatch(ts.ReadFile("stdout"), -1)
	if len(pids) == 0 {
		ts.Fatalf("no pid in stdout")
	}
	for _, m := range pids {
		pid, _ := strconv.Atoi(m[1])
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			ts.Fatalf("process %d is still there (kill -0: %v)", pid, err)
		}
	}
}
