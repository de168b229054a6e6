package deploy

import (
	"bufio"
	"debug/buildinfo"
	"debug/elf"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// A dockerfile is a Dockerfile read into its stages. The parser knows what
// this repository's Dockerfile uses: comments, continued lines, the exec
// (JSON) and shell forms, and --flags.
type dockerfile struct {
	Path   string
	Args   []instruction // ARGs before the first FROM
	Stages []*stage
}

type stage struct {
	Image, Name string
	Line        int
	Instrs      []instruction
}

type instruction struct {
	Line  int
	Cmd   string            // FROM, ARG, COPY, ... in capitals
	Flags map[string]string // --from=build
	Words []string          // the arguments: the JSON array's elements, or the words
	Text  string            // the arguments as written, for RUN
	JSON  bool
}

func parseDockerfile(file string) (*dockerfile, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	df := &dockerfile{Path: file}
	var logical string
	start := 0
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") || (trimmed == "" && logical == "") {
			continue // a comment, also inside a continued instruction
		}
		if logical == "" {
			start = n
		}
		if cont, ok := strings.CutSuffix(line, `\`); ok {
			logical += cont + " "
			continue
		}
		logical += line
		in, err := parseInstruction(start, logical)
		logical = ""
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", file, start, err)
		}
		if in.Cmd == "FROM" {
			st := &stage{Line: in.Line}
			switch {
			case len(in.Words) == 1:
				st.Image = in.Words[0]
			case len(in.Words) == 3 && strings.EqualFold(in.Words[1], "AS"):
				st.Image, st.Name = in.Words[0], in.Words[2]
			default:
				return nil, fmt.Errorf("%s:%d: want FROM image [AS name]", file, in.Line)
			}
			df.Stages = append(df.Stages, st)
			continue
		}
		if len(df.Stages) == 0 {
			if in.Cmd != "ARG" {
				return nil, fmt.Errorf("%s:%d: %s before FROM", file, in.Line, in.Cmd)
			}
			df.Args = append(df.Args, in)
			continue
		}
		st := df.Stages[len(df.Stages)-1]
		st.Instrs = append(st.Instrs, in)
	}
	if logical != "" {
		return nil, fmt.Errorf("%s:%d: the file ends inside a continued line", file, start)
	}
	if len(df.Stages) == 0 {
		return nil, fmt.Errorf("%s: no FROM", file)
	}
	return df, sc.Err()
}

func parseInstruction(line int, text string) (instruction, error) {
	cmd, rest, _ := strings.Cut(strings.TrimSpace(text), " ")
	in := instruction{Line: line, Cmd: strings.ToUpper(cmd), Flags: map[string]string{}}
	rest = strings.TrimSpace(rest)
	for strings.HasPrefix(rest, "--") {
		flag, after, _ := strings.Cut(rest, " ")
		name, value, _ := strings.Cut(strings.TrimPrefix(flag, "--"), "=")
		in.Flags[name] = value
		rest = strings.TrimSpace(after)
	}
	in.Text = rest
	if strings.HasPrefix(rest, "[") {
		if err := json.Unmarshal([]byte(rest), &in.Words); err != nil {
			return in, fmt.Errorf("%s %s: not a JSON array of strings: %v", in.Cmd, rest, err)
		}
		in.JSON = true
		return in, nil
	}
	in.Words = strings.Fields(rest)
	return in, nil
}

// final is the stage the image is made of: the last.
func (df *dockerfile) final() *stage { return df.Stages[len(df.Stages)-1] }

// Entrypoint is the program the image runs, or "".
func (df *dockerfile) Entrypoint() string {
	var entry string
	for _, in := range df.final().Instrs {
		if in.Cmd == "ENTRYPOINT" && len(in.Words) > 0 {
			entry = in.Words[0]
		}
	}
	return entry
}

// User is the final stage's USER, or "".
func (df *dockerfile) User() string {
	var user string
	for _, in := range df.final().Instrs {
		if in.Cmd == "USER" && len(in.Words) > 0 {
			user = in.Words[0]
		}
	}
	return user
}

// ImageFiles are the paths the final stage copies in.
func (df *dockerfile) ImageFiles() []string {
	var files []string
	for _, in := range df.final().Instrs {
		if in.Cmd == "COPY" && len(in.Words) >= 2 {
			files = append(files, in.Words[len(in.Words)-1])
		}
	}
	return files
}

// declares says whether some stage declares ARG name.
func (df *dockerfile) declares(name string) bool {
	for _, st := range df.Stages {
		for _, in := range st.Instrs {
			if in.Cmd == "ARG" && len(in.Words) > 0 && strings.Split(in.Words[0], "=")[0] == name {
				return true
			}
		}
	}
	return false
}

// expand replaces $NAME and ${NAME} by the build args.
func expand(s string, args map[string]string) string {
	return os.Expand(s, func(name string) string { return args[name] })
}

// buildContext is what `docker build .` sends: the files of Dir that
// .dockerignore does not exclude.
type buildContext struct {
	Dir    string
	ignore *patternmatcher.PatternMatcher
}

// newBuildContext reads the .dockerignore file (beside the Dockerfile) for
// the context dir.
func newBuildContext(dir, dockerignore string) (*buildContext, error) {
	f, err := os.Open(dockerignore)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	patterns, err := ignorefile.ReadAll(f)
	if err != nil {
		return nil, err
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		return nil, err
	}
	return &buildContext{Dir: dir, ignore: pm}, nil
}

// excluded says whether rel, a slash path in the context, is left out.
func (c *buildContext) excluded(rel string) bool {
	out, err := c.ignore.MatchesOrParentMatches(rel)
	return err != nil || out
}

// sources returns a COPY's sources (not --from) with the build args in.
func sources(in instruction, args map[string]string) []string {
	var srcs []string
	for _, w := range in.Words[:len(in.Words)-1] {
		srcs = append(srcs, path.Clean(expand(w, args)))
	}
	return srcs
}

// goMinor returns the Go version that folder's go.mod needs, as 1.26.
func goMinor(folder string) (string, error) {
	data, err := os.ReadFile(filepath.Join(repo, folder, "go.mod"))
	if err != nil {
		return "", err
	}
	m := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(data)
	if m == nil {
		return "", fmt.Errorf("%s/go.mod: no go directive", folder)
	}
	return string(m[1]), nil
}

// checkDockerfile checks the Dockerfile without building: the images it
// starts from, the build argument, every COPY source for each service, and
// an image that runs the service as a user who is not root.
func checkDockerfile(df *dockerfile, ctx *buildContext, folders []string) (found problems) {
	name := filepath.Base(df.Path)
	if len(df.Stages) < 2 {
		found.add("%s: one stage; want a build stage and a small final one", name)
		return found
	}
	build, final := df.Stages[0], df.final()
	image, tag, _ := strings.Cut(build.Image, ":")
	if image != "golang" {
		found.add("%s:%d: the build stage is FROM %s; want golang:<the go.mod's version>", name, build.Line, build.Image)
	}
	for _, folder := range folders {
		want, err := goMinor(folder)
		if err != nil {
			found.add("%v", err)
			continue
		}
		if tag != want && !strings.HasPrefix(tag, want+".") && !strings.HasPrefix(tag, want+"-") {
			found.add("%s:%d: FROM %s, but %s/go.mod needs go %s", name, build.Line, build.Image, folder, want)
		}
	}
	if !df.declares("SERVICE") {
		found.add("%s: no ARG SERVICE, the build argument that names the service", name)
	}
	if !(strings.HasPrefix(final.Image, "gcr.io/distroless/static") && strings.HasSuffix(final.Image, ":nonroot")) && final.Image != "scratch" {
		found.add("%s:%d: the image is FROM %s; want gcr.io/distroless/static-debian12:nonroot or scratch", name, final.Line, final.Image)
	}
	uid, _, _ := strings.Cut(df.User(), ":")
	if n, err := strconv.Atoi(uid); err != nil || n == 0 {
		found.add("%s: the final stage's USER is %q; want a user by number, not root (Kubernetes' runAsNonRoot checks the number)", name, df.User())
	}
	entry := df.Entrypoint()
	if entry == "" || !slices.Contains(df.ImageFiles(), entry) {
		found.add("%s: the ENTRYPOINT %q is not a file the final stage copies in (%v)", name, entry, df.ImageFiles())
	}
	for _, in := range final.Instrs {
		switch {
		case in.Cmd == "RUN":
			found.add("%s:%d: RUN in the final stage, whose image has no shell", name, in.Line)
		case in.Cmd == "ENTRYPOINT" && !in.JSON:
			found.add("%s:%d: ENTRYPOINT in shell form needs a shell; write it as a JSON array", name, in.Line)
		case in.Cmd == "COPY" && in.Flags["from"] == "":
			found.add("%s:%d: the final stage copies from the context; copy what the build stage made", name, in.Line)
		}
	}
	var cgo, trimpath bool
	for _, in := range build.Instrs {
		if in.Cmd == "ENV" && slices.Contains(in.Words, "CGO_ENABLED=0") {
			cgo = true
		}
		if (in.Cmd == "ENV" || in.Cmd == "RUN") && strings.Contains(in.Text, "-trimpath") {
			trimpath = true
		}
	}
	if !cgo {
		found.add("%s: the build stage sets no ENV CGO_ENABLED=0: the binary may need a libc the image does not have", name)
	}
	if !trimpath {
		found.add("%s: the build stage never says -trimpath", name)
	}
	// Every COPY source exists for every service, and the context has it.
	for _, folder := range folders {
		args := map[string]string{"SERVICE": folder}
		for _, st := range df.Stages {
			for _, in := range st.Instrs {
				if in.Cmd != "COPY" || in.Flags["from"] != "" {
					continue
				}
				if len(in.Words) < 2 {
					found.add("%s:%d: COPY wants a source and a destination", name, in.Line)
					continue
				}
				for _, src := range sources(in, args) {
					if _, err := os.Stat(filepath.Join(ctx.Dir, src)); err != nil {
						found.add("%s:%d: SERVICE=%s: COPY %s: no such file in the repository", name, in.Line, folder, src)
					} else if ctx.excluded(src) {
						found.add("%s:%d: SERVICE=%s: COPY %s: .dockerignore leaves it out of the context", name, in.Line, folder, src)
					}
				}
			}
		}
	}
	return found
}

// dockerBuild does what `docker build` does with df for the build args,
// here: each stage's / is a folder of out, COPY copies from the context
// (what .dockerignore leaves) or from a stage, ENV and ARG set RUN's
// environment, and RUN runs in the stage's WORKDIR. The build stage's RUNs
// use this machine's Go (as golang:1.26 would), so they must use paths
// inside the WORKDIR. It returns the final image's files: "/service" -> a
// path under out.
func dockerBuild(df *dockerfile, ctx *buildContext, out string, args map[string]string) (map[string]string, error) {
	roots := map[string]string{}
	for i, st := range df.Stages {
		root := filepath.Join(out, "stage"+strconv.Itoa(i))
		if err := os.MkdirAll(root, 0o755); err != nil {
			return nil, err
		}
		roots[strconv.Itoa(i)] = root
		if st.Name != "" {
			roots[st.Name] = root
		}
		workdir := "/"
		env := map[string]string{}
		for _, in := range st.Instrs {
			switch in.Cmd {
			case "ARG":
				k, v, hasDefault := strings.Cut(in.Words[0], "=")
				if given, ok := args[k]; ok {
					v = given
				} else if !hasDefault {
					v = ""
				}
				env[k] = v
			case "ENV":
				for _, w := range in.Words {
					k, v, ok := strings.Cut(w, "=")
					if !ok {
						return nil, fmt.Errorf("line %d: write ENV as NAME=value", in.Line)
					}
					env[k] = strings.Trim(v, `"`)
				}
			case "WORKDIR":
				workdir = path.Join(workdir, expand(in.Words[0], env))
				if err := os.MkdirAll(filepath.Join(root, workdir), 0o755); err != nil {
					return nil, err
				}
			case "COPY":
				if err := dockerCopy(in, env, ctx, roots, root, workdir); err != nil {
					return nil, fmt.Errorf("line %d: %v", in.Line, err)
				}
			case "RUN":
				cmd := exec.Command("sh", "-c", in.Text)
				cmd.Dir = filepath.Join(root, workdir)
				cmd.Env = hostGoEnv()
				for k, v := range env {
					cmd.Env = append(cmd.Env, k+"="+v)
				}
				if output, err := cmd.CombinedOutput(); err != nil {
					return nil, fmt.Errorf("line %d: RUN %s: %v\n%s", in.Line, in.Text, err, output)
				}
			}
		}
	}
	files := map[string]string{}
	root := roots[strconv.Itoa(len(df.Stages)-1)]
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			files["/"+filepath.ToSlash(rel)] = p
		}
		return err
	})
	return files, err
}

// hostGoEnv is the environment of a RUN: this machine's, less what would
// make its go command behave otherwise than the golang image's.
func hostGoEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !slices.Contains([]string{"GOWORK", "GOFLAGS", "CGO_ENABLED", "GOOS", "GOARCH"}, k) {
			env = append(env, kv)
		}
	}
	return env
}

// dockerCopy copies the sources of a COPY into root at dest, from the
// context or from the stage named by --from.
func dockerCopy(in instruction, env map[string]string, ctx *buildContext, roots map[string]string, root, workdir string) error {
	dest := expand(in.Words[len(in.Words)-1], env)
	srcs := sources(in, env)
	toDir := strings.HasSuffix(dest, "/") || len(srcs) > 1
	if !path.IsAbs(dest) {
		dest = path.Join(workdir, dest)
	}
	for _, src := range srcs {
		from, rel := ctx.Dir, src
		if stageName := in.Flags["from"]; stageName != "" {
			if from = roots[stageName]; from == "" {
				return fmt.Errorf("COPY --from=%s: no such stage before this one", stageName)
			}
			rel = strings.TrimPrefix(src, "/")
		} else if ctx.excluded(src) {
			return fmt.Errorf("COPY %s: .dockerignore leaves it out", src)
		}
		srcPath := filepath.Join(from, filepath.FromSlash(rel))
		fi, err := os.Stat(srcPath)
		if err != nil {
			return err
		}
		target := filepath.Join(root, filepath.FromSlash(dest))
		if !fi.IsDir() {
			if toDir {
				target = filepath.Join(target, filepath.Base(srcPath))
			}
			if err := copyFile(srcPath, target); err != nil {
				return err
			}
			continue
		}
		// A folder: its contents, less what .dockerignore leaves out.
		err = filepath.WalkDir(srcPath, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			sub, _ := filepath.Rel(srcPath, p)
			if in.Flags["from"] == "" && ctx.excluded(path.Join(rel, filepath.ToSlash(sub))) {
				return nil
			}
			return copyFile(p, filepath.Join(target, sub))
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, fi.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// checkStatic says what keeps bin from running alone in a distroless or
// scratch image: a dynamic loader, shared libraries, cgo, or build paths.
func checkStatic(bin string) (found problems) {
	f, err := elf.Open(bin)
	if err != nil {
		found.add("%s: %v", bin, err)
		return found
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			found.add("%s: dynamically linked (it names a program interpreter)", bin)
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		found.add("%s: needs the shared libraries %v", bin, libs)
	}
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		found.add("%s: no Go build information: %v", bin, err)
		return found
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	if settings["CGO_ENABLED"] != "0" {
		found.add("%s: built with CGO_ENABLED=%q; want 0", bin, settings["CGO_ENABLED"])
	}
	if settings["-trimpath"] != "true" {
		found.add("%s: built without -trimpath", bin)
	}
	return found
}

// TestDockerfile checks the Dockerfile for every service folder.
func TestDockerfile(t *testing.T) {
	folders, err := serviceFolders()
	if err != nil {
		t.Fatal(err)
	}
	df, err := parseDockerfile(filepath.Join(repo, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, err := newBuildContext(repo, filepath.Join(repo, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	report(t, checkDockerfile(df, ctx, folders))
}

// TestDockerBuild checks what the Dockerfile's steps make, run here for each
// service: the image holds the service and the probe, both static, built
// with CGO_ENABLED=0 and -trimpath; and the probe tells a served path from
// one that is not.
func TestDockerBuild(t *testing.T) {
	for _, s := range services(t) {
		if len(s.Files) != 2 {
			t.Errorf("SERVICE=%s: the image holds %v; want the service and the probe", s.Folder, slices.Sorted(maps.Keys(s.Files)))
		}
		for _, bin := range s.Files {
			report(t, checkStatic(bin))
		}
		probe, ok := s.Files["/probe"]
		if !ok {
			t.Errorf("SERVICE=%s: no /probe in the image", s.Folder)
			continue
		}
		if out, err := exec.Command(probe, s.URL+"/readyz").CombinedOutput(); err != nil {
			t.Errorf("probe %s/readyz: %v\n%s", s.URL, err, out)
		}
		if err := exec.Command(probe, s.URL+"/no-such-path").Run(); err == nil {
			t.Errorf("probe %s/no-such-path exits 0", s.URL)
		}
	}
}

// A dynamically linked program fails checkStatic: the check can fail.
func TestCheckStaticFailsOnADynamicProgram(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip(err)
	}
	sh, _ = filepath.EvalSymlinks(sh)
	if len(checkStatic(sh)) == 0 {
		t.Errorf("checkStatic(%s) finds nothing wrong", sh)
	}
}
