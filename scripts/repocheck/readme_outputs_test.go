package repocheck

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/streams-workshop/kit/testkit"
)

// The README's output blocks are checked against real runs, so that they
// cannot go stale: a block marked with the comment line
//
//	<!-- output: COMMAND -->
//
// just before it is compared with what COMMAND prints, in README.md under
// LANG=C and in README.ko.md under LANG=ko_KR.UTF-8. A block's "..." lines
// stand for lines left out: each run of lines between them must appear, in
// order, as consecutive lines of the real output. Only what truly varies is
// normalized, on both sides: entry IDs, durations, and a test file's line
// numbers.

// outputMarker is the comment before a checked block.
var outputMarker = regexp.MustCompile(`^<!-- output: (.+) -->$`)

// pages are the READMEs with checked blocks, and the LANG each is read in.
var pages = []struct{ file, lang string }{
	{"README.md", "C"},
	{"README.ko.md", "ko_KR.UTF-8"},
}

// readmeRunner runs the command of one marker and returns its output.
type readmeRunner func(t *testing.T, env []string) string

// readmeRunners are the commands the READMEs may mark; every one of them
// must be marked in every page, so that a block cannot lose its check.
func readmeRunners(bin, redisURL string) map[string]readmeRunner {
	lesson := func(name string) readmeRunner {
		return func(t *testing.T, env []string) string {
			return runProgram(t, filepath.Join(bin, name), "", append(env, "REDIS_URL="+redisURL))
		}
	}
	return map[string]readmeRunner{
		"go run ./01-xadd-xrange":     lesson("01-xadd-xrange"),
		"go run ./02-xread-block":     lesson("02-xread-block"),
		"go run ./03-consumer-groups": lesson("03-consumer-groups"),
		"services start": func(t *testing.T, env []string) string {
			out := servicesStart(t, bin, append(env, "REDIS_URL="+redisURL))
			return strings.ReplaceAll(out, "redis="+redisURL+" ", "redis=localhost:6379 ") // the default, as Step 4 runs
		},
		"cd 01-xadd-xrange && go test ./exercise/": func(t *testing.T, env []string) string {
			out := runProgram(t, "go", filepath.Join(root, "01-xadd-xrange"), env, "test", "./exercise/")
			if !strings.Contains(out, "FAIL") {
				t.Skip("the exercises of 01 are done here: the not-started output cannot be shown")
			}
			return out
		},
	}
}

func TestReadmeOutputs(t *testing.T) {
	testkit.Slow(t, "builds and runs the lessons, the services and a stage's tests (about 30 s)")
	srv := testkit.StartT(t)
	bin := buildPrograms(t, "01-xadd-xrange", "02-xread-block", "03-consumer-groups",
		"04-order-service", "05-payment-service", "06-notification-service")
	runners := readmeRunners(bin, srv.Addr())
	for _, page := range pages {
		blocks := markedBlocks(t, page.file)
		for marker := range runners {
			if _, ok := blocks[marker]; !ok {
				t.Errorf("%s: no block marked <!-- output: %s -->", page.file, marker)
			}
		}
		for marker, block := range blocks {
			run, ok := runners[marker]
			if !ok {
				t.Errorf("%s: <!-- output: %s --> names a command this test does not know; add it to readmeRunners", page.file, marker)
				continue
			}
			t.Run(page.file+"/"+marker, func(t *testing.T) {
				got := run(t, learnerEnv(page.lang))
				if problem := compareOutput(block, got); problem != "" {
					t.Errorf("%s, the block after <!-- output: %s --> (LANG=%s): %s\nthe real output:\n%s",
						page.file, marker, page.lang, problem, got)
				}
			})
		}
	}
	t.Run("start lines in every page", func(t *testing.T) {
		checkStartLines(t, servicesStart(t, bin, append(learnerEnv("C"), "REDIS_URL="+srv.Addr())))
	})
}

// A service's start line as a page may show it: alone, or behind the demo's
// "name | " prefix.
var (
	startLine   = regexp.MustCompile(`msg=("order-service listening"|starting service=|"serving )`)
	demoPrefix  = regexp.MustCompile(`^[\w-]+\s*\| `)
	startValues = []struct {
		re   *regexp.Regexp
		with string
	}{
		{regexp.MustCompile(`\btime=\S+`), "time=..."},
		{regexp.MustCompile(`\baddr=\[::\]:\d+`), "addr=[::]:<port>"},
		{regexp.MustCompile(`\bredis=\S+`), "redis=<redis>"},
		{regexp.MustCompile(`\bconsumer=\S+`), "consumer=<name>"},
	}
)

func startShape(line string) string {
	line = demoPrefix.ReplaceAllString(line, "")
	for _, v := range startValues {
		line = v.re.ReplaceAllString(line, v.with)
	}
	return line
}

// checkStartLines checks every start line of every Markdown page (the
// READMEs of the root, the stages and scripts/, the docs) against what the
// services print, with their times, ports, Redis and consumer names left
// out: the README's own blocks check those.
func checkStartLines(t *testing.T, real string) {
	var shapes []string
	for _, line := range strings.Split(real, "\n") {
		shapes = append(shapes, startShape(line))
	}
	checked := 0
	for _, file := range markdownFiles(t) {
		rel, _ := filepath.Rel(root, file)
		for i, line := range strings.Split(readFile(t, file), "\n") {
			if !startLine.MatchString(line) || !strings.Contains(line, "level=") {
				continue
			}
			checked++
			if !slices.Contains(shapes, startShape(line)) {
				t.Errorf("%s:%d: no service starts with this line:\n  %s\nthey print:\n  %s", rel, i+1, line,
					strings.Join(strings.Split(strings.TrimSpace(real), "\n"), "\n  "))
			}
		}
	}
	if checked == 0 {
		t.Fatal("no start lines found in the Markdown pages: is the pattern right?")
	}
	t.Logf("%d start lines checked", checked)
}

// learnerEnv is this process's environment as a learner's shell would have
// it: the given LANG, no settings of the course left over from CI, and a host
// named myhost, as the README shows it.
func learnerEnv(lang string) []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE", "REDIS_URL", "PORT", "CONSUMER_NAME", "HOSTNAME",
			"EXERCISES_NOT_STARTED", "NO_COLOR":
			return true
		}
		return false
	})
	return append(env, "LANG="+lang, "HOSTNAME=myhost")
}

// buildPrograms builds the named folders of the workspace once, into a
// temporary folder, and returns it.
func buildPrograms(t *testing.T, dirs ...string) string {
	t.Helper()
	bin := t.TempDir()
	args := []string{"build", "-o", bin + string(filepath.Separator)}
	for _, dir := range dirs {
		args = append(args, "./"+dir)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return bin
}

// runProgram runs a program to its end, within a deadline, and returns what
// it printed on stdout and stderr; a failing exit is part of the output.
func runProgram(t *testing.T, name, dir string, env []string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("%s %s: no end within the deadline (%v)\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// readmePorts are the ports the README shows for each service: the real,
// free ports are written as these.
var readmePorts = []struct{ service, port string }{
	{"04-order-service", "8080"},
	{"05-payment-service", "8081"},
	{"06-notification-service", "8082"},
}

// readyLine is a service's last line at start: it listens.
var readyLine = regexp.MustCompile(`msg="(order-service listening|serving [^"]*)"`)

// servicesStart starts each service as Step 4 does, with default settings
// on a free port, and returns the lines each printed up to its ready line,
// the real port written as the README's; then stops it as Ctrl-C would.
func servicesStart(t *testing.T, bin string, env []string) string {
	var all strings.Builder
	for _, s := range readmePorts {
		port, err := testkit.FreePort()
		if err != nil {
			t.Fatal(err)
		}
		lines := startLines(t, filepath.Join(bin, s.service), append(env, "PORT="+strconv.Itoa(port)))
		for _, line := range lines {
			all.WriteString(strings.ReplaceAll(line, ":"+strconv.Itoa(port), ":"+s.port) + "\n")
		}
	}
	return all.String()
}

// startLines runs a service until it prints its ready line, within a
// deadline, stops it with SIGINT, and returns the lines up to the ready one.
func startLines(t *testing.T, program string, env []string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, program)
	cmd.Env = env
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = cmd.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGINT)
		_ = cmd.Wait()
	}()
	var lines []string
	scanner := bufio.NewScanner(pipe)
	for scanner.Scan() {
		lines = append(lines, scanner.Text())
		if readyLine.MatchString(scanner.Text()) {
			go func() { _, _ = bufio.NewReader(pipe).WriteTo(discard{}) }() // let it log on while stopping
			return lines
		}
	}
	t.Fatalf("%s ended or timed out before its ready line; it printed:\n%s", filepath.Base(program), strings.Join(lines, "\n"))
	return nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// markedBlocks returns each block of a page that follows an output marker,
// by the marker's command.
func markedBlocks(t *testing.T, file string) map[string][]string {
	t.Helper()
	lines := strings.Split(readFile(t, filepath.Join(root, file)), "\n")
	blocks := map[string][]string{}
	for i, line := range lines {
		m := outputMarker.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if i+1 >= len(lines) || !fenceLine.MatchString(lines[i+1]) {
			t.Errorf("%s:%d: the line after %q must open a code block", file, i+1, line)
			continue
		}
		end := slices.IndexFunc(lines[i+2:], fenceLine.MatchString)
		if end < 0 {
			t.Fatalf("%s:%d: the block after %q is never closed", file, i+2, line)
		}
		blocks[m[1]] = lines[i+2 : i+2+end]
	}
	return blocks
}

// What varies from run to run, and the placeholder each becomes.
var variable = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\b\d{13}-\d+\b`), "<id>"},                        // an entry ID from the clock
	{regexp.MustCompile(`\btime=\S+`), "time=..."},                        // a log line's time
	{regexp.MustCompile(`\(\d+\.\d+s\)`), "(<duration>)"},                 // a test's time
	{regexp.MustCompile(`\t\d+\.\d+s$`), "\t<duration>"},                  // a package's time
	{regexp.MustCompile(`(_test\.go):\d+:`), "$1:<line>:"},                // where a test failed
	{regexp.MustCompile(`read tcp \S+->\S+: i/o timeout`), "i/o timeout"}, // the addresses of a timeout
}

func normalize(line string) string {
	for _, v := range variable {
		line = v.re.ReplaceAllString(line, v.with)
	}
	return line
}

// compareOutput checks a README block against real output: each run of
// lines between "..." lines appears, in order, as consecutive lines of the
// output. It returns what is wrong, or "".
func compareOutput(block []string, output string) string {
	var got []string
	for _, line := range strings.Split(strings.TrimRight(output, "\n"), "\n") {
		got = append(got, normalize(line))
	}
	from := 0
	for _, run := range splitRuns(block) {
		at := indexRun(got[from:], run)
		if at < 0 {
			return "these lines are not in the output (after line " + strconv.Itoa(from) + "), in this order:\n  " +
				strings.Join(run, "\n  ")
		}
		from += at + len(run)
	}
	return ""
}

// splitRuns cuts a block at its "..." lines, normalized.
func splitRuns(block []string) [][]string {
	var runs [][]string
	var run []string
	for _, line := range block {
		if line == "..." {
			runs = append(runs, run)
			run = nil
			continue
		}
		run = append(run, normalize(line))
	}
	return slices.DeleteFunc(append(runs, run), func(r []string) bool { return len(r) == 0 })
}

// indexRun is where run starts as consecutive lines of lines, or -1.
func indexRun(lines, run []string) int {
	for i := 0; i+len(run) <= len(lines); i++ {
		if slices.Equal(lines[i:i+len(run)], run) {
			return i
		}
	}
	return -1
}

// The comparison itself: what passes, and what does not.
func TestCompareOutput(t *testing.T) {
	output := "== one\n> XADD s * a 1\n\"1796540713332-0\"\n# explained\n\n== two\n> XLEN s\n(integer) 1\n"
	for block, want := range map[string]bool{
		"== one\n> XADD s * a 1\n\"1795579163720-0\"":            true,
		"== one\n...\n== two\n> XLEN s":                          true,
		"> XLEN s\n(integer) 1":                                  true,
		"== two\n...\n== one":                                    false, // out of order
		"== one\n> XLEN s":                                       false, // not consecutive
		"> XLEN s\n(integer) 2":                                  false, // a reply changed
		"--- FAIL: TestX (0.12s)\nFAIL\tmod/exercise\t0.231s":    false,
		"== one\n> XADD s * a 1\n\"1796540713332-0\"\n# changed": false,
	} {
		if got := compareOutput(strings.Split(block, "\n"), output) == ""; got != want {
			t.Errorf("block %q: passes=%v, want %v", block, got, want)
		}
	}
	test := "--- FAIL: TestX (0.10s)\n    x_test.go:12: not started\nFAIL\tmod/exercise\t0.213s\n"
	if p := compareOutput([]string{"--- FAIL: TestX (0.12s)", "    x_test.go:158: not started", "FAIL\tmod/exercise\t0.231s"}, test); p != "" {
		t.Errorf("durations and line numbers should not count: %s", p)
	}
}
