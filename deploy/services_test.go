package deploy

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/streams-workshop/kit/testkit"
)

// repo is the repository's root.
const repo = ".."

// service is what the checks know of one service, all of it from the service
// itself: its folder, the image the Dockerfile builds for it, what its -h
// documents, and a running instance to ask for paths.
type service struct {
	Folder string            // 05-payment-service
	Files  map[string]string // the image's files that the build made: "/service" -> a path here
	Env    map[string]bool   // the variables -h documents
	Port   string            // the default PORT that -h documents
	URL    string            // the running instance: http://127.0.0.1:port

	mu     sync.Mutex
	served map[string]int // path -> status of GET
}

// httpClient asks the running services; none of them should take long.
var httpClient = &http.Client{Timeout: 5 * time.Second}

// runtimeEnv are variables that the Go runtime reads in every service
// (https://pkg.go.dev/runtime#hdr-Environment_Variables), whether or not its
// -h names them.
var runtimeEnv = []string{"GOGC", "GOMEMLIMIT", "GOMAXPROCS", "GODEBUG", "GOTRACEBACK"}

// Reads says whether the service reads the variable name.
func (s *service) Reads(name string) bool {
	return s.Env[name] || slices.Contains(runtimeEnv, name)
}

// Status returns the status of GET path on the running service.
func (s *service) Status(path string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code, ok := s.served[path]; ok {
		return code, nil
	}
	resp, err := httpClient.Get(s.URL + path)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	s.served[path] = resp.StatusCode
	return resp.StatusCode, nil
}

// Serves says whether GET path answers 200 on the running service, which
// is ready: a probe on any other path would fail, and a scrape find nothing.
func (s *service) Serves(path string) error {
	code, err := s.Status(path)
	if err != nil {
		return err
	}
	if code != http.StatusOK {
		return fmt.Errorf("GET %s answers %d", path, code)
	}
	return nil
}

var (
	servicesOnce sync.Once
	servicesList []*service
	servicesErr  error
	cleanups     []func()
)

// TestMain stops the services and their Redis once every test has run.
func TestMain(m *testing.M) {
	code := m.Run()
	for _, f := range slices.Backward(cleanups) {
		f()
	}
	os.Exit(code)
}

// services returns the repository's services, built as the Dockerfile
// builds them and running on a Redis of the tests' own. They are built and
// started once for all the tests.
func services(t *testing.T) []*service {
	t.Helper()
	testkit.Slow(t, "the services built as the Dockerfile builds them, and run")
	servicesOnce.Do(func() { servicesList, servicesErr = startServices() })
	if servicesErr != nil {
		t.Fatal(servicesErr)
	}
	return servicesList
}

// serviceFolders returns the folders of the services: each *-service folder
// of the repository that holds a module.
func serviceFolders() ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(repo, "*-service", "go.mod"))
	if err != nil {
		return nil, err
	}
	var folders []string
	for _, m := range matches {
		folders = append(folders, filepath.Base(filepath.Dir(m)))
	}
	if len(folders) == 0 {
		return nil, fmt.Errorf("no *-service/go.mod in %s", repo)
	}
	return folders, nil
}

func startServices() (list []*service, err error) {
	folders, err := serviceFolders()
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "deploy-test-")
	if err != nil {
		return nil, err
	}
	cleanups = append(cleanups, func() { os.RemoveAll(tmp) })
	df, err := parseDockerfile(filepath.Join(repo, "Dockerfile"))
	if err != nil {
		return nil, err
	}
	ctx, err := newBuildContext(repo, filepath.Join(repo, ".dockerignore"))
	if err != nil {
		return nil, err
	}
	mode, err := testkit.Mode()
	if err != nil {
		return nil, err
	}
	srv, err := testkit.Start(mode, tmp)
	if err != nil {
		return nil, err
	}
	cleanups = append(cleanups, srv.Close)
	for _, folder := range folders {
		s := &service{Folder: folder, served: map[string]int{}}
		dir := filepath.Join(tmp, folder)
		if s.Files, err = dockerBuild(df, ctx, dir, map[string]string{"SERVICE": folder}); err != nil {
			return nil, fmt.Errorf("Dockerfile, SERVICE=%s: %v", folder, err)
		}
		bin, ok := s.Files[df.Entrypoint()]
		if !ok {
			return nil, fmt.Errorf("Dockerfile, SERVICE=%s: the build made no %s, the ENTRYPOINT", folder, df.Entrypoint())
		}
		if err := s.readHelp(bin); err != nil {
			return nil, err
		}
		if err := s.start(bin, dir, srv.URL("")); err != nil {
			return nil, err
		}
		list = append(list, s)
	}
	return list, nil
}

// helpEntry is a line of -h that documents a variable: two spaces, then
// the name in capitals.
var helpEntry = regexp.MustCompile(`(?m)^  ([A-Z][A-Z0-9_]+)\s`)

// readHelp reads the variables the service documents in -h, in English,
// and the default of PORT from its entry.
func (s *service) readHelp(bin string) error {
	cmd := exec.Command(bin, "-h")
	cmd.Env = []string{"LANG=C"}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s -h: %v\n%s", s.Folder, err, out)
	}
	help := string(out)
	s.Env = map[string]bool{}
	entries := helpEntry.FindAllStringSubmatchIndex(help, -1)
	for i, m := range entries {
		name := help[m[2]:m[3]]
		s.Env[name] = true
		if name != "PORT" {
			continue
		}
		end := len(help)
		if i+1 < len(entries) {
			end = entries[i+1][0]
		}
		d := regexp.MustCompile(`\(default (\d+)\)`).FindStringSubmatch(help[m[0]:end])
		if d == nil {
			return fmt.Errorf("%s -h: PORT names no default: %q", s.Folder, help[m[0]:end])
		}
		s.Port = d[1]
	}
	if len(s.Env) == 0 || s.Port == "" {
		return fmt.Errorf("%s -h documents no variables, or no PORT:\n%s", s.Folder, help)
	}
	return nil
}

// start runs the service on a free port and waits until /readyz answers 200.
func (s *service) start(bin, dir, redisURL string) error {
	port, err := testkit.FreePort()
	if err != nil {
		return err
	}
	ready := filepath.Join(dir, "ready")
	cmd := exec.Command(bin)
	cmd.Env = []string{"LANG=C", "REDIS_URL=" + redisURL, "PORT=" + strconv.Itoa(port), "READY_FILE=" + ready}
	logFile := filepath.Join(dir, "log")
	out, err := os.Create(logFile)
	if err != nil {
		return err
	}
	defer out.Close() // the process has its own copy
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return err
	}
	logText := func() string { data, _ := os.ReadFile(logFile); return string(data) }
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	cleanups = append(cleanups, func() {
		cmd.Process.Signal(os.Interrupt)
		<-exited
	})
	s.URL = "http://127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(30 * time.Second)
	for tick := time.NewTicker(20 * time.Millisecond); ; <-tick.C {
		select {
		case <-exited:
			return fmt.Errorf("%s exited before it was ready:\n%s", s.Folder, logText())
		default:
		}
		if _, err := os.Stat(ready); err == nil {
			if resp, err := httpClient.Get(s.URL + "/readyz"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return nil
				}
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after 30s:\n%s", s.Folder, logText())
		}
	}
}

// byFolder returns the service in folder, or nil.
func byFolder(list []*service, folder string) *service {
	for _, s := range list {
		if s.Folder == folder {
			return s
		}
	}
	return nil
}

// problems collects what a check finds wrong, one line each.
type problems []string

func (p *problems) add(format string, args ...any) {
	*p = append(*p, fmt.Sprintf(format, args...))
}

// report fails t with every problem.
func report(t *testing.T, found problems) {
	t.Helper()
	for _, p := range found {
		t.Error(p)
	}
}

// TestServicesServeTheirProbes makes sure the facts the other tests rely on
// are what they seem: every service documents REDIS_URL and PORT, and its
// running instance answers /livez and /readyz but not a path it does not
// serve.
func TestServicesServeTheirProbes(t *testing.T) {
	for _, s := range services(t) {
		for _, name := range []string{"REDIS_URL", "PORT", "SHUTDOWN_DELAY"} {
			if !s.Reads(name) {
				t.Errorf("%s: -h does not document %s", s.Folder, name)
			}
		}
		if s.Reads("NOT_A_VARIABLE") {
			t.Errorf("%s: reads NOT_A_VARIABLE, so every variable passes", s.Folder)
		}
		for _, path := range []string{"/livez", "/readyz", "/metrics"} {
			if err := s.Serves(path); err != nil {
				t.Errorf("%s: %v", s.Folder, err)
			}
		}
		if err := s.Serves("/no-such-path"); err == nil {
			t.Errorf("%s: /no-such-path answers 200, so every path passes", s.Folder)
		}
	}
}
