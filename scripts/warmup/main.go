// Command warmup prepares a machine for class: it downloads the modules the
// course uses, compiles the lessons, the services, the tools and every
// stage's tests, and links the programs the class runs, showing its progress
// as it goes. Afterwards each `go run` starts in about a second, and
// `go test ./...` in a stage spends its time testing, not compiling.
//
//	go run ./scripts/warmup          the course: every stage, kit/ and scripts/
//	go run ./scripts/warmup -all     every module of go.work (go test work)
//
// It imports the standard library and kit/lang only, so that `go run`
// compiles it in seconds even with an empty build cache: its first line shows
// before the long work starts. A test checks that (TestImportsStayLight).
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/streams-workshop/kit/lang"
)

// noopEnv, set to 1, makes this program exit at once: `go run -exec` runs it
// in place of the program it built, which caches that program's executable
// without running it (go run reuses cached executables since Go 1.24).
const noopEnv = "WARMUP_EXEC_NOOP"

func main() {
	if os.Getenv(noopEnv) == "1" {
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.Is(err, errUsage):
		os.Exit(2)
	case ctx.Err() != nil:
		fmt.Fprintln(os.Stderr, lang.Pick(
			"warmup: stopped. Run it again: it goes on where it stopped.",
			"warmup: 멈췄습니다. 다시 실행하면 멈춘 곳부터 이어 갑니다."))
		os.Exit(1)
	default:
		fmt.Fprintf(os.Stderr, "warmup: %v\n", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

const helpEN = `Usage: go run ./scripts/warmup [-all] [-only packages] [-lang en|ko]

Prepares this machine for class, once, with a network: downloads the modules
the course uses, compiles the lessons, the services, the tools and every
stage's tests, and links the programs the class runs (go run caches them).
It shows its progress as it goes, and ends with
  ready: lesson 01 now starts in about 1 s
Run it again at any time: it does only what is missing, in seconds.
Ctrl-C is safe; the next run goes on where it stopped.

Measured on a 2-core machine (docs/class-day.md): about 2.5 minutes with empty
caches, up to 5 when the machine is busy; it leaves about 210 MB of modules and
940 MB of build cache.

Flags:
  -all         every module of go.work (what go test work needs), not only
               the course's stages, kit/ and scripts/
  -only PKGS   only these packages, comma-separated, from the repository's
               root (./01-xadd-xrange,./scripts/demo); the last line times
               the first of them that is a program
  -lang en|ko  language of messages (default: ko when LANG or LC_ALL is Korean)
`

const helpKO = `사용법: go run ./scripts/warmup [-all] [-only 패키지] [-lang en|ko]

수업 전에, 네트워크가 될 때 한 번 실행해 이 컴퓨터를 준비합니다. 과정이 쓰는
모듈을 내려받고, 레슨과 서비스, 도구, 모든 단계의 테스트를 컴파일하고, 수업에서
실행할 프로그램을 링크해 둡니다(go run이 캐시에 둡니다). 진행 상황을 보여 주고
  준비 끝: 이제 레슨 01이 약 1초 만에 시작합니다
로 끝납니다. 언제 다시 실행해도 됩니다: 빠진 것만 하므로 몇 초면 끝납니다.
Ctrl-C로 멈춰도 괜찮습니다. 다음 실행이 멈춘 곳부터 이어 갑니다.

2코어 컴퓨터에서 잰 값(docs/class-day.ko.md): 캐시가 비어 있으면 약 2분 30초(컴퓨터가
바쁘면 5분까지)이고, 모듈 약 210 MB와 빌드 캐시 약 940 MB가 남습니다.

플래그:
  -all         과정의 단계와 kit/, scripts/만이 아니라 go.work의 모든 모듈
               (go test work에 필요한 것)
  -only PKGS   이 패키지들만, 쉼표로 구분해 저장소 루트에서 본 경로로
               (./01-xadd-xrange,./scripts/demo). 마지막 줄은 그중 첫
               프로그램을 잽니다
  -lang en|ko  메시지 언어(기본값: LANG이나 LC_ALL이 한국어면 ko)
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("warmup", flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	all := flags.Bool("all", false, "")
	only := flags.String("only", "", "")
	flags.Func("lang", "", lang.Set)
	usage := func() { fmt.Fprint(stderr, lang.Pick(helpEN, helpKO)) }
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage()
			return err
		}
		fmt.Fprintf(stderr, "warmup: %v\n\n", err)
		usage()
		return errUsage
	}
	if flags.NArg() > 0 || (*all && *only != "") {
		usage()
		return errUsage
	}
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	root, err := findRoot(wd)
	if err != nil {
		return err
	}
	patterns, programs := course(root)
	switch {
	case *all:
		patterns = []string{"work"}
	case *only != "":
		patterns = strings.Split(*only, ",")
		programs = nil
	}
	w := &warmup{root: root, out: newProgress(stdout), start: time.Now()}
	fmt.Fprintln(stdout, lang.Pick(
		"warmup: preparing this machine for class in 3 steps: modules, compiling, programs.\n"+
			"The first time takes a few minutes; it prints how far it got as it goes.",
		"warmup: 수업 준비를 세 단계로 합니다: 모듈, 컴파일, 프로그램.\n"+
			"처음에는 몇 분 걸리고, 어디까지 했는지 계속 보여 줍니다."))

	pkgs, err := w.modules(ctx, patterns)
	if err != nil {
		return err
	}
	if *only != "" {
		for _, p := range pkgs {
			if p.main && p.forTest == "" && !strings.HasSuffix(p.path, ".test") && inPatterns(root, p, patterns) {
				if rel, err := filepath.Rel(root, p.dir); err == nil {
					programs = append(programs, "./"+filepath.ToSlash(rel))
				}
			}
		}
	}
	if err := w.compile(ctx, patterns, pkgs); err != nil {
		return err
	}
	if err := w.link(ctx, programs); err != nil {
		return err
	}
	w.out.finish(lang.Pick(
		fmt.Sprintf("done in %s: %s", minutes(time.Since(w.start)), w.summary()),
		fmt.Sprintf("%s 만에 완료: %s", minutes(time.Since(w.start)), w.summary())))
	if len(programs) == 0 {
		return nil
	}
	first := programs[0]
	took, err := w.timeRun(ctx, first)
	if err != nil {
		return err
	}
	secs := max(1, int(math.Round(took.Seconds())))
	if first == "./01-xadd-xrange" {
		fmt.Fprintln(stdout, lang.Pick(
			fmt.Sprintf("ready: lesson 01 now starts in about %d s", secs),
			fmt.Sprintf("준비 끝: 이제 레슨 01이 약 %d초 만에 시작합니다", secs)))
	} else {
		fmt.Fprintln(stdout, lang.Pick(
			fmt.Sprintf("ready: go run %s now starts in about %d s", first, secs),
			fmt.Sprintf("준비 끝: 이제 go run %s 시작까지 약 %d초", first, secs)))
	}
	return nil
}

// findRoot returns the folder, dir or above, that holds go.work.
func findRoot(dir string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.work")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New(lang.Pick(
				"no go.work here or above: run it inside the workshop's repository",
				"여기나 그 위에 go.work가 없습니다: 워크숍 저장소 안에서 실행하세요"))
		}
	}
}

// course returns the packages of the course (every stage, kit/, kit/testkit/
// and scripts/, each a module of go.work) as go patterns relative to root,
// and the programs the class runs, lesson 01 first.
func course(root string) (patterns, programs []string) {
	stages, _ := filepath.Glob(filepath.Join(root, "[0-9][0-9]-*", "go.mod"))
	for _, mod := range stages {
		dir := "./" + filepath.Base(filepath.Dir(mod))
		patterns = append(patterns, dir+"/...")
		programs = append(programs, dir)
	}
	for _, dir := range []string{"kit", "kit/testkit", "scripts"} {
		if _, err := os.Stat(filepath.Join(root, dir, "go.mod")); err == nil {
			patterns = append(patterns, "./"+dir+"/...")
		}
	}
	for _, tool := range []string{"redis", "demo", "inspect", "check"} {
		if _, err := os.Stat(filepath.Join(root, "scripts", tool, "main.go")); err == nil {
			programs = append(programs, "./scripts/"+tool)
		}
	}
	return patterns, programs
}

// A pkg is one line of go list -deps -test.
type pkg struct {
	path, dir, forTest string
	stale, main, std   bool
}

// inPatterns reports whether p is one of the packages named by patterns,
// folders from root (as -only gives them).
func inPatterns(root string, p pkg, patterns []string) bool {
	for _, pat := range patterns {
		if filepath.Join(root, pat) == p.dir {
			return true
		}
	}
	return false
}

type warmup struct {
	root  string
	out   *progress
	start time.Time

	mu                  sync.Mutex
	downloads, modBytes int64
	current             string
	compiled, linked    int
	compileTotal, tests int
	programs            int
}

func (w *warmup) summary() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return lang.Pick(
		fmt.Sprintf("modules downloaded: %d (%s); packages compiled: %d; test binaries linked: %d; programs ready: %d",
			w.downloads, mb(w.modBytes), w.compiled, w.linked, w.programs),
		fmt.Sprintf("모듈 %d개 내려받음(%s), 패키지 %d개 컴파일, 테스트 바이너리 %d개 링크, 프로그램 %d개 준비",
			w.downloads, mb(w.modBytes), w.compiled, w.linked, w.programs))
}

// modules lists every package the patterns need, tests included (go list
// -deps -test), which downloads each module that provides one: "go:
// downloading" lines, counted as they come, with the bytes the module cache
// grew by.
func (w *warmup) modules(ctx context.Context, patterns []string) ([]pkg, error) {
	cacheDir := goEnv(ctx, w.root, "GOMODCACHE")
	if cacheDir != "" {
		cacheDir = filepath.Join(cacheDir, "cache", "download")
	}
	before := dirSize(cacheDir)
	const format = `{{.ImportPath}}{{"\t"}}{{.Dir}}{{"\t"}}{{.ForTest}}{{"\t"}}{{.Stale}}{{"\t"}}{{.Name}}{{"\t"}}{{.Standard}}`
	args := append([]string{"list", "-deps", "-test", "-f", format}, patterns...)
	var out strings.Builder
	phase := w.out.phase(1, func() string {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.modBytes = dirSize(cacheDir) - before
		if w.downloads == 0 {
			return lang.Pick("modules: checking which ones are needed", "모듈: 필요한 것을 확인하는 중")
		}
		return lang.Pick(
			fmt.Sprintf("modules: %d downloaded (%s), %s", w.downloads, mb(w.modBytes), w.current),
			fmt.Sprintf("모듈: %d개 내려받음(%s), %s", w.downloads, mb(w.modBytes), w.current))
	}, nil)
	err := w.goCommand(ctx, args, &out, func(line string) {
		if name, ok := strings.CutPrefix(line, "go: downloading "); ok {
			w.mu.Lock()
			w.downloads++
			w.current = name
			w.mu.Unlock()
		}
	})
	w.mu.Lock()
	w.modBytes = dirSize(cacheDir) - before
	n, size := w.downloads, w.modBytes
	w.mu.Unlock()
	if err != nil {
		phase.stop("")
		return nil, fmt.Errorf("%s\n%w", lang.Pick(
			"could not download the modules. Is the network up? go env GOPROXY says where they come from.",
			"모듈을 내려받지 못했습니다. 네트워크가 되나요? 모듈을 받는 곳은 go env GOPROXY가 알려 줍니다."), err)
	}
	var pkgs []pkg
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 6 {
			continue
		}
		pkgs = append(pkgs, pkg{path: f[0], dir: f[1], forTest: f[2], stale: f[3] == "true", main: f[4] == "main", std: f[5] == "true"})
	}
	if n == 0 {
		phase.stop(lang.Pick("modules: all there already", "모듈: 이미 다 있습니다"))
	} else {
		phase.stop(lang.Pick(
			fmt.Sprintf("modules: done, %d downloaded (%s)", n, mb(size)),
			fmt.Sprintf("모듈: 완료, %d개 내려받음(%s)", n, mb(size))))
	}
	return pkgs, nil
}

// compile runs go test -run '^$' on the patterns: it compiles every package
// and test, vets them as go test does, links each test binary and runs it
// with no test, so that the build cache holds all that `go test ./...`
// reuses. -x shows each compile and link as it starts; they are counted
// against what go list called stale.
func (w *warmup) compile(ctx context.Context, patterns []string, pkgs []pkg) error {
	for _, p := range pkgs {
		if p.stale {
			w.compileTotal++
		}
		if strings.HasSuffix(p.path, ".test") && p.forTest == "" {
			w.tests++
		}
	}
	phase := w.out.phase(2, func() string {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.compileTotal = max(w.compileTotal, w.compiled)
		w.tests = max(w.tests, w.linked)
		return lang.Pick(
			fmt.Sprintf("compiling: %d/%d packages %s, tests linked: %d/%d",
				w.compiled, w.compileTotal, bar(w.compiled, w.compileTotal), w.linked, w.tests),
			fmt.Sprintf("컴파일: 패키지 %d/%d %s, 링크한 테스트: %d/%d",
				w.compiled, w.compileTotal, bar(w.compiled, w.compileTotal), w.linked, w.tests))
	}, func() int {
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.compileTotal == 0 {
			return 100
		}
		return 100 * w.compiled / w.compileTotal
	})
	args := append([]string{"test", "-x", "-run", "^$"}, patterns...)
	err := w.goCommand(ctx, args, io.Discard, func(line string) {
		switch tool(line) {
		case "compile":
			w.mu.Lock()
			w.compiled++
			w.mu.Unlock()
		case "link":
			w.mu.Lock()
			w.linked++
			w.mu.Unlock()
		}
	})
	if err != nil {
		phase.stop("")
		// -x buries go test's own message: run it again without (it goes fast,
		// all that was compiled is in the cache) and show its last lines.
		var again strings.Builder
		cmd := exec.CommandContext(ctx, "go", append([]string{"test", "-run", "^$"}, patterns...)...)
		cmd.Dir, cmd.Stdout, cmd.Stderr = w.root, &again, &again
		cmd.Run()
		return fmt.Errorf("%s\n%s", lang.Pick("go test -run '^$' failed:", "go test -run '^$'가 실패했습니다:"), lastLines(again.String(), 20))
	}
	w.mu.Lock()
	c, l := w.compiled, w.linked
	w.mu.Unlock()
	phase.stop(lang.Pick(
		fmt.Sprintf("compiling: done, %s compiled, %s linked", count(c, "package", "packages"), count(l, "test binary", "test binaries")),
		fmt.Sprintf("컴파일: 완료, 패키지 %d개 컴파일, 테스트 바이너리 %d개 링크", c, l)))
	return nil
}

// tool returns "compile" or "link" when an -x line runs that tool, else "".
// A line may set variables first, as in GOROOT='/usr/local/go' .../link -o.
func tool(line string) string {
	first, rest, ok := strings.Cut(line, " ")
	for ok && isAssignment(first) {
		first, rest, ok = strings.Cut(rest, " ")
	}
	if !ok || !strings.HasPrefix(rest, "-o ") {
		return ""
	}
	name := strings.TrimSuffix(first[strings.LastIndexAny(first, `/\`)+1:], ".exe")
	if name == "compile" || name == "link" {
		return name
	}
	return ""
}

// isAssignment reports whether word sets a variable: NAME=value.
func isAssignment(word string) bool {
	name, _, ok := strings.Cut(word, "=")
	if !ok || name == "" {
		return false
	}
	for _, r := range name {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// link builds each program with go run -exec, which caches its executable
// and runs this program in its place, so that a later go run only starts it.
func (w *warmup) link(ctx context.Context, programs []string) error {
	if len(programs) == 0 {
		return nil
	}
	var now string
	phase := w.out.phase(3, func() string {
		w.mu.Lock()
		defer w.mu.Unlock()
		return lang.Pick(
			fmt.Sprintf("programs: %d/%d ready for go run, now %s", w.programs, len(programs), now),
			fmt.Sprintf("프로그램: go run 준비 %d/%d, 지금 %s", w.programs, len(programs), now))
	}, func() int {
		w.mu.Lock()
		defer w.mu.Unlock()
		return 100 * w.programs / len(programs)
	})
	for _, p := range programs {
		w.mu.Lock()
		now = p
		w.mu.Unlock()
		if err := w.runNoop(ctx, p); err != nil {
			phase.stop("")
			return err
		}
		w.mu.Lock()
		w.programs++
		w.mu.Unlock()
	}
	phase.stop(lang.Pick(
		fmt.Sprintf("programs: done, ready for go run: %s", strings.Join(programs, " ")),
		fmt.Sprintf("프로그램: 완료, go run 준비 끝: %s", strings.Join(programs, " "))))
	return nil
}

// runNoop runs go run -exec <this program> program: it builds (or finds in
// the cache) program's executable, and does not run it.
func (w *warmup) runNoop(ctx context.Context, program string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	if strings.ContainsAny(self, " '\"") {
		self = "'" + strings.ReplaceAll(self, "'", `'\''`) + "'"
	}
	var out strings.Builder
	cmd := exec.CommandContext(ctx, "go", "run", "-exec", self, program)
	cmd.Dir, cmd.Stdout, cmd.Stderr = w.root, &out, &out
	cmd.Env = append(os.Environ(), noopEnv+"=1")
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go run %s: %v\n%s", program, err, lastLines(out.String(), 20))
	}
	return nil
}

// timeRun measures how long go run program takes to start now.
func (w *warmup) timeRun(ctx context.Context, program string) (time.Duration, error) {
	start := time.Now()
	err := w.runNoop(ctx, program)
	return time.Since(start), err
}

// goCommand runs go with args in the root, copying its stdout to stdout, and
// calls onLine with each line of its stderr. Its error holds the last lines
// of stderr that are not -x's commands.
func (w *warmup) goCommand(ctx context.Context, args []string, stdout io.Writer, onLine func(string)) error {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = w.root
	cmd.Stdout = stdout
	pipe, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	var said []string
	sc := bufio.NewScanner(pipe)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Text()
		onLine(line)
		if strings.HasPrefix(line, "go: ") || strings.Contains(line, ": ") && !strings.Contains(line, "$WORK") && !strings.HasPrefix(line, "#") {
			said = append(said, line)
			if len(said) > 40 {
				said = said[1:]
			}
		}
	}
	if err := cmd.Wait(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, lastLines(strings.Join(said, "\n"), 20))
	}
	return nil
}

// goEnv returns go env name, or "" when go cannot say.
func goEnv(ctx context.Context, dir, name string) string {
	cmd := exec.CommandContext(ctx, "go", "env", name)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// dirSize returns the bytes of the files under dir, 0 when there is none.
func dirSize(dir string) int64 {
	if dir == "" {
		return 0
	}
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func mb(n int64) string {
	if n < 0 {
		n = 0
	}
	return fmt.Sprintf("%.0f MB", float64(n)/1e6)
}

// minutes writes d as "42 s" or "3 min 5 s".
func minutes(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	if s < 60 {
		return lang.Pick(fmt.Sprintf("%d s", s), fmt.Sprintf("%d초", s))
	}
	return lang.Pick(fmt.Sprintf("%d min %d s", s/60, s%60), fmt.Sprintf("%d분 %d초", s/60, s%60))
}

// count writes n and the noun, in the singular for 1.
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// bar draws done of total as [#####.....], 16 wide.
func bar(done, total int) string {
	const width = 16
	n := width
	if total > 0 {
		n = min(width, width*done/total)
	}
	return "[" + strings.Repeat("#", n) + strings.Repeat(".", width-n) + "]"
}
