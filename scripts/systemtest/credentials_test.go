package systemtest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/streams-workshop/kit/testkit"
)

// notClients are the programs that do not log in to the Redis of REDIS_URL.
var notClients = map[string]string{
	"scripts/redis":   "it is a server: it only checks whether one already answers",
	"scripts/cluster": "it starts its own servers and does not read REDIS_URL",
	"scripts/check":   "it runs the exercises' tests, each with a Redis of its own",
	"scripts/warmup":  "it downloads modules and compiles; it never connects to Redis",
	"deploy/probe":    "the images' health check: it GETs a URL and never connects to Redis",
}

// finite are the programs that end by themselves, with the arguments that
// keep them short. The services run until stopped: password.txtar and
// acl.txtar check them. bench is left out: it takes minutes.
var finite = map[string][]string{
	"01-xadd-xrange":     nil,
	"02-xread-block":     nil,
	"03-consumer-groups": nil,
	"scripts/inspect":    nil,
	"scripts/demo":       {"-orders", "3"},
}

// TestCredentials runs every program of the workshop against a Redis that
// wants a password, and against one that poses as Redis 6.0, too old for all
// of them. With a wrong one, each exits 1 with one line that says
// so, and never hangs. With the right one, those that end by themselves
// succeed. Neither way does any print the password.
func TestCredentials(t *testing.T) {
	testkit.Slow(t, "every program against a Redis with a password")
	mode, err := testkit.Mode()
	if err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	programs := mainPackages(t, root)
	bin := t.TempDir()
	build := exec.Command("go", append([]string{"build", "-o", bin + string(os.PathSeparator)}, programs...)...)
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	const password = "Kit-Right-Pw-7f3a"
	srv, err := testkit.StartWith(mode, t.TempDir(), testkit.Options{Password: password})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)

	for _, pkg := range programs {
		name := strings.TrimPrefix(pkg, "github.com/streams-workshop/")
		if reason, ok := notClients[name]; ok {
			t.Logf("%s: not run, %s", name, reason)
			continue
		}
		program := filepath.Join(bin, filepath.Base(name))
		t.Run(name+"/wrong-password", func(t *testing.T) {
			t.Parallel()
			code, out := runProgram(t, root, program, "redis://:Kit-Wrong-Pw-9c1d@"+srv.Addr(), nil)
			if code != 1 || !strings.Contains(lastLine(out), "refused the credentials in REDIS_URL") {
				t.Errorf("exit %d, want 1 and one line that the credentials were refused:\n%s", code, out)
			}
			if strings.Contains(out, "Kit-Wrong-Pw") {
				t.Errorf("the output shows the password:\n%s", out)
			}
		})
		t.Run(name+"/old-server", func(t *testing.T) {
			t.Parallel()
			old := testkit.OldRedis(t, "6.0.0")
			code, out := runProgram(t, root, program, old, nil)
			if code != 1 || !strings.Contains(lastLine(out), "Redis at "+old+" is version 6.0.0; this program needs Redis ") {
				t.Errorf("exit %d, want 1 and one line that gives the server's version and the one needed:\n%s", code, out)
			}
		})
		args, ok := finite[name]
		if !ok {
			continue
		}
		t.Run(name+"/right-password", func(t *testing.T) {
			code, out := runProgram(t, root, program, srv.URL(""), args)
			if code != 0 {
				t.Errorf("exit %d, want 0:\n%s", code, out)
			}
			if strings.Contains(out, password) {
				t.Errorf("the output shows the password:\n%s", out)
			}
		})
	}
}

// mainPackages lists the workspace's commands, as import paths.
func mainPackages(t *testing.T, root string) []string {
	cmd := exec.Command("go", "list", "-f", `{{if eq .Name "main"}}{{.ImportPath}}{{end}}`, "work")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list work: %v", err)
	}
	programs := strings.Fields(string(out))
	if len(programs) < 6 {
		t.Fatalf("go list found only %v", programs)
	}
	return programs
}

// runProgram runs program from the workspace root with REDIS_URL set, and
// returns its exit code and its stdout and stderr together. A program that
// hangs is killed and fails the test.
// lastLine is the line a program ends with. A lesson or a tool prints only
// that one; a service logs its start first, since it serves its probes
// before Redis answers.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[len(lines)-1]
}

func runProgram(t *testing.T, root, program, redisURL string, args []string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, program, args...)
	cmd.Dir = root
	// PORT=0: a service listens before it reaches Redis, and the runs are parallel.
	cmd.Env = append(os.Environ(), "REDIS_URL="+redisURL, "REDIS_CA_FILE=", "NO_COLOR=1", "PORT=0")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s did not end within 90s:\n%s", filepath.Base(program), out.String())
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), out.String()
}
