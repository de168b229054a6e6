package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/streams-workshop/kit/lang"
	"github.com/streams-workshop/kit/testkit"
)

// TestMain lets the test binary stand in for the programs that go run -exec
// builds, as the warmup binary does.
func TestMain(m *testing.M) {
	if os.Getenv(noopEnv) == "1" {
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// The warm-up must show its first line seconds after go run starts, on an
// empty build cache too: so it imports the standard library and kit/lang,
// nothing that would make go run compile go-redis or x/sys first.
func TestImportsStayLight(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range strings.Fields(string(out)) {
		if p != "github.com/streams-workshop/scripts/warmup" && p != "github.com/streams-workshop/kit/lang" {
			t.Errorf("warmup imports %s: only the standard library and kit/lang, so that go run compiles it fast", p)
		}
	}
	out, err = exec.Command("go", "list", "-deps", "github.com/streams-workshop/kit/lang").Output()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(strings.Fields(string(out))); n > 80 {
		t.Errorf("warmup needs %d packages compiled before it can start; keep its imports few", n)
	}
}

func TestTool(t *testing.T) {
	for line, want := range map[string]string{
		`/usr/local/go/pkg/tool/linux_amd64/compile -o $WORK/b007/_pkg_.a -trimpath "$WORK/b007=>" -p internal/goarch`: "compile",
		`GOROOT='/usr/local/go' /usr/local/go/pkg/tool/linux_amd64/link -o $WORK/b001/lang.test -importcfg x`:          "link",
		`C:\Go\pkg\tool\windows_amd64\compile.exe -o $WORK\b007\_pkg_.a -p fmt`:                                        "compile",
		`/usr/local/go/pkg/tool/linux_amd64/asm -p internal/cpu -o $WORK/b012/cpu.o ./cpu.s`:                           "",
		`cat >/tmp/go-build2167775579/b001/importcfg.link << 'EOF' # internal`:                                         "",
		`packagefile fmt=/tmp/cache/ab/abcd-d`:                                                                         "",
		`go: downloading github.com/redis/go-redis/v9 v9.23.0`:                                                         "",
	} {
		if got := tool(line); got != want {
			t.Errorf("tool(%q) = %q, want %q", line, got, want)
		}
	}
}

func TestHelp(t *testing.T) {
	defer lang.Set(lang.Current())
	for _, c := range []struct{ lang, want string }{{"en", "ready: lesson 01 now starts in about 1 s"}, {"ko", "준비 끝: 이제 레슨 01이 약 1초 만에 시작합니다"}} {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{"-lang", c.lang, "-h"}, &stdout, &stderr)
		if !errors.Is(err, flag.ErrHelp) || !strings.Contains(stderr.String(), c.want) || !strings.Contains(stderr.String(), "-only") {
			t.Errorf("-lang %s -h: err %v, help:\n%s", c.lang, err, stderr.String())
		}
	}
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"-all", "-only", "./kit/lang"}, &stdout, &stderr); !errors.Is(err, errUsage) {
		t.Errorf("-all -only: err %v, want a usage error", err)
	}
}

// The warm-up of a small part, on the shared build cache: the three steps
// in order as plain lines (the output is not a terminal), then the ready line.
func TestSmallPart(t *testing.T) {
	defer lang.Set(lang.Current())
	for _, c := range []struct{ lang, ready string }{
		{"en", `(?m)\Aready: go run \./scripts/warmup now starts in about \d+ s$`},
		{"ko", `(?m)\A준비 끝: 이제 go run \./scripts/warmup 시작까지 약 \d+초$`},
	} {
		out := warmupOf(t, c.lang)
		checkSteps(t, out, 3)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if !regexp.MustCompile(c.ready).MatchString(lines[len(lines)-1]) {
			t.Errorf("-lang %s: last line %q, want %s", c.lang, lines[len(lines)-1], c.ready)
		}
	}
}

// With an empty build cache, the compile step counts the packages as it
// compiles them, out of the total it expects. kit/lang alone, which is no
// program: two steps, and no ready line.
func TestEmptyCache(t *testing.T) {
	testkit.Slow(t, "compiles a part of the standard library (about 20 s)")
	t.Setenv("GOCACHE", t.TempDir())
	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"-lang", "en", "-only", "./kit/lang"}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s%s", err, &stdout, &stderr)
	}
	out := stdout.String()
	checkSteps(t, out, 2)
	m := regexp.MustCompile(`(?m)^\[2/3\] \d+:\d\d compiling: done, (\d+) packages compiled, 1 test binary linked$`).FindStringSubmatch(out)
	if m == nil || len(m[1]) < 2 {
		t.Errorf("no count of tens of packages compiled and one test binary linked:\n%s", out)
	}
	if !regexp.MustCompile(`(?m)^\[2/3\] \d+:\d\d compiling: [1-9]\d*/[1-9]\d* packages \[#*\.*\], tests linked: [01]/1$`).MatchString(out) {
		t.Errorf("no progress line while compiling:\n%s", out)
	}
	if strings.Contains(out, "\nready:") {
		t.Errorf("a ready line without a program:\n%s", out)
	}
}

// warmupOf runs the warm-up of kit/lang and of itself, in language l.
func warmupOf(t *testing.T, l string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"-lang", l, "-only", "./kit/lang,./scripts/warmup"}, &stdout, &stderr); err != nil {
		t.Fatalf("-lang %s: %v\n%s%s", l, err, &stdout, &stderr)
	}
	return stdout.String()
}

// checkSteps checks that the first n steps show, in order, as plain lines.
func checkSteps(t *testing.T, out string, n int) {
	t.Helper()
	if strings.Contains(out, "\r") {
		t.Errorf("a line redrawn in place, though the output is not a terminal:\n%q", out)
	}
	last := -1
	for _, step := range []string{"\n[1/3] ", "\n[2/3] ", "\n[3/3] "}[:n] {
		i := strings.LastIndex(out, step)
		if i <= last {
			t.Errorf("step %q missing or out of order:\n%s", step, out)
		}
		last = i
	}
}
