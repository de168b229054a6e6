// Package systemtest runs the three services together, as separate
// processes, against one Redis: the system the tutorial builds.
package systemtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/streams-workshop/scripts/testkit"
)

// services are built once, into binDir, and put on the scripts' PATH.
var services = []string{"04-order-service", "05-payment-service", "06-notification-service"}

var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "streams-workshop-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := func() int {
		defer os.RemoveAll(dir)
		if err := Build(filepath.Join("..", ".."), dir); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return m.Run()
	}()
	os.Exit(code)
}

// Build compiles the three services from the workspace root into dir, named
// order-service, payment-service and notification-service.
func Build(root, dir string) error {
	for _, svc := range services {
		name := svc[len("04-"):]
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, name), "./"+svc)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build ./%s: %v\n%s", svc, err, out)
		}
	}
	return nil
}

func TestSystem(t *testing.T) {
	testkit.Run(t, testscript.Params{
		Setup: func(env *testscript.Env) error {
			env.Setenv("PATH", binDir+string(os.PathListSeparator)+env.Getenv("PATH"))
			return nil
		},
	})
}
