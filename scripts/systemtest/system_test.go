// Package systemtest runs the three services together, as separate
// processes, against one Redis: the system the tutorial builds.
package systemtest

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/streams-workshop/kit/testkit"
	"github.com/streams-workshop/scripts/services"
)

// binDir holds the services, built once and put on the scripts' PATH.
var binDir string

func TestMain(m *testing.M) {
	// The system tests are in the full suite only (WORKSHOP_FULL_TESTS=1):
	// without it each test skips, and nothing is built.
	flag.Parse()
	if !testkit.Full() {
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "streams-workshop-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := func() int {
		defer os.RemoveAll(dir)
		if err := services.Build(context.Background(), filepath.Join("..", ".."), dir); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return m.Run()
	}()
	os.Exit(code)
}

func TestSystem(t *testing.T) {
	testkit.Slow(t, "the system: three services as processes")
	testkit.Run(t, testscript.Params{
		Setup: func(env *testscript.Env) error {
			env.Setenv("PATH", binDir+string(os.PathListSeparator)+env.Getenv("PATH"))
			return nil
		},
	})
}
