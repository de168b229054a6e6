// Package testkit runs a stage's testscripts, each against a Redis of its own.
//
// Each script gets a fresh server: a real redis-server on a free loopback port
// when the binary is on PATH, otherwise an in-process miniredis. REDIS_TEST=real
// or REDIS_TEST=embedded forces one mode. REDIS_URL inside the script points at
// that server, whatever it was outside, so a test never touches a Redis it did
// not start.
//
// Scripts can use the conditions [real], [embedded] and [full] (the slow
// tests run: WORKSHOP_FULL_TESTS=1, see Full), the variables $REDIS_URL,
// $REDIS_MODE, $REDIS_PIDFILE (real mode), $REDIS_URL_ONE_NODE (a cluster's
// first node alone), $PORT1..$PORT3 (free loopback ports), and the commands
// in Cmds. `server restart` with flags (see Options)
// gives a script a server with a password, the services' ACL users, TLS, or a
// cluster. A slow script begins with
//
//	[!full] skip 'a fault scenario: full suite only, WORKSHOP_FULL_TESTS=1'
package testkit

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/streams-workshop/kit/acl"
	"github.com/streams-workshop/kit/testkit/localcluster"
)

// Mode is "real" or "embedded": how the test servers are started.
func Mode() (string, error) {
	switch m := os.Getenv("REDIS_TEST"); m {
	case "real":
		if _, err := exec.LookPath("redis-server"); err != nil {
			return "", errors.New("REDIS_TEST=real, but redis-server is not on PATH")
		}
		return m, nil
	case "embedded":
		return m, nil
	case "":
		if _, err := exec.LookPath("redis-server"); err == nil {
			return "real", nil
		}
		return "embedded", nil
	default:
		return "", fmt.Errorf("REDIS_TEST=%q: want real or embedded", m)
	}
}

// Run runs the scripts in testdata/script. Params may add Setup, Cmds and a
// Condition of its own; the kit's come first.
func Run(t *testing.T, p testscript.Params) {
	t.Helper()
	mode, err := Mode()
	if err != nil {
		t.Fatal(err)
	}
	if p.Dir == "" {
		p.Dir = filepath.Join("testdata", "script")
	}
	userSetup := p.Setup
	p.Setup = func(env *testscript.Env) error {
		srv, err := Start(mode, env.WorkDir)
		if err != nil {
			return err
		}
		env.Defer(srv.Close)
		env.Values[serverKey{}] = srv
		for k, v := range srv.Env() {
			env.Setenv(k, v)
		}
		env.Setenv("REDIS_MODE", mode)
		for i := 1; i <= 3; i++ {
			port, err := FreePort()
			if err != nil {
				return err
			}
			env.Setenv("PORT"+strconv.Itoa(i), strconv.Itoa(port))
		}
		if userSetup != nil {
			return userSetup(env)
		}
		return nil
	}
	userCond := p.Condition
	p.Condition = func(cond string) (bool, error) {
		switch cond {
		case "real", "embedded":
			return cond == mode, nil
		case "full":
			return Full(), ciWantsFull()
		}
		if userCond != nil {
			return userCond(cond)
		}
		return false, fmt.Errorf("unknown condition %q", cond)
	}
	cmds := Cmds()
	for name, cmd := range p.Cmds {
		cmds[name] = cmd
	}
	p.Cmds = cmds
	testscript.Run(t, p)
}

type serverKey struct{}

// Server is one test's Redis: one server, or a cluster.
type Server struct {
	mode string
	opts Options
	addr string
	dir  string
	mini *miniredis.Miniredis
	proc *exec.Cmd
	// exited receives the real server's exit once.
	exited chan error

	cluster *localcluster.Cluster
}

// Start starts a plain server in the given mode; dir holds a real server's log.
func Start(mode, dir string) (*Server, error) {
	return StartWith(mode, dir, Options{})
}

// StartT starts a server for one Go test, in the mode Mode says, and stops it
// when the test ends.
func StartT(t testing.TB) *Server {
	t.Helper()
	mode, err := Mode()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := Start(mode, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// StartWith starts a server in the given mode with the given options.
func StartWith(mode, dir string, opts Options) (*Server, error) {
	if err := opts.check(mode); err != nil {
		return nil, err
	}
	s := &Server{mode: mode, dir: dir, opts: opts}
	if opts.TLS {
		if err := MakeCerts(s.tlsDir()); err != nil {
			return nil, err
		}
	}
	if opts.Cluster {
		return s, s.startCluster()
	}
	if mode == "embedded" {
		if err := s.startMini("127.0.0.1:0"); err != nil {
			return nil, err
		}
		s.addr = s.mini.Addr()
		return s, nil
	}
	// A free port can be taken between FreePort and redis-server's bind: try a few.
	var lastErr error
	for range 5 {
		port, err := FreePort()
		if err != nil {
			return nil, err
		}
		s.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		if lastErr = s.startReal(); lastErr == nil {
			return s, nil
		}
	}
	return nil, lastErr
}

// startMini starts miniredis on addr, with the password and TLS of the options.
func (s *Server) startMini(addr string) error {
	s.mini = miniredis.NewMiniRedis()
	if pw := s.opts.adminPassword(); pw != "" {
		s.mini.RequireAuth(pw)
	}
	var err error
	if !s.opts.TLS {
		err = s.mini.StartAddr(addr)
	} else {
		var cfg *tls.Config
		if cfg, err = s.serverTLSConfig(); err == nil {
			err = s.mini.StartAddrTLS(addr, cfg)
		}
	}
	if err == nil {
		AnswerMaxMemoryPolicy(s.mini)
	}
	return err
}

func (s *Server) startReal() error {
	_, port, _ := net.SplitHostPort(s.addr)
	args := []string{
		"--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", s.dir, "--logfile", filepath.Join(s.dir, "redis-"+port+".log"),
		"--pidfile", s.pidFile(),
	}
	if s.opts.TLS {
		// TLS only: the plain port is off.
		args = append(args, "--port", "0", "--tls-port", port,
			"--tls-cert-file", filepath.Join(s.tlsDir(), "server.pem"),
			"--tls-key-file", filepath.Join(s.tlsDir(), "server-key.pem"),
			"--tls-ca-cert-file", s.CAFile(),
			"--tls-auth-clients", "no")
	}
	if pw := s.opts.adminPassword(); pw != "" {
		args = append(args, "--requirepass", pw)
	}
	s.proc = exec.Command("redis-server", args...)
	if err := s.proc.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	s.exited = exited
	go func() { exited <- s.proc.Wait() }()
	opts, err := s.clientOptions(s.addr)
	if err != nil {
		return err
	}
	opts.MaxRetries = -1
	client := redis.NewClient(opts)
	defer client.Close()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		select {
		case err := <-exited:
			s.proc = nil
			return fmt.Errorf("redis-server on %s exited: %v (see its log in the work dir)", s.addr, err)
		default:
		}
		if client.Ping(context.Background()).Err() == nil {
			return s.addUsers(context.Background(), client)
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.Stop()
	return fmt.Errorf("redis-server on %s did not answer within 10s", s.addr)
}

// addUsers creates the ACL users when the options ask for them. They live in
// memory only, so a restarted server needs them again.
func (s *Server) addUsers(ctx context.Context, client *redis.Client) error {
	if !s.opts.Users {
		return nil
	}
	for _, u := range acl.Users() {
		if err := client.Do(ctx, u.SetUser(UserPassword(u.Name))...).Err(); err != nil {
			return fmt.Errorf("ACL SETUSER %s: %w", u.Name, err)
		}
	}
	return nil
}

// startCluster starts a cluster of three masters in the server's dir.
func (s *Server) startCluster() error {
	c, err := localcluster.Start(context.Background(), localcluster.Options{
		Dir:      filepath.Join(s.dir, "cluster"),
		Password: s.opts.adminPassword(),
	})
	if err != nil {
		return err
	}
	s.cluster = c
	s.addr = c.URL()
	for _, addr := range c.Addrs() {
		opts, _ := s.clientOptions(addr)
		client := redis.NewClient(opts)
		err := s.addUsers(context.Background(), client)
		client.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// pidFile is where a real server writes its pid, for `signal STOP` to freeze it.
func (s *Server) pidFile() string {
	_, port, _ := net.SplitHostPort(s.addr)
	return filepath.Join(s.dir, "redis-"+port+".pid")
}

// Addr is the server's host:port; for a cluster, the nodes' host:port
// separated by commas.
func (s *Server) Addr() string { return s.addr }

// clientOptions are the options of a client for one address of the server,
// as the default user, trusting its CA.
func (s *Server) clientOptions(addr string) (*redis.Options, error) {
	tlsConfig, err := s.tlsConfig()
	if err != nil {
		return nil, err
	}
	return &redis.Options{
		Addr: addr, Password: s.opts.adminPassword(), TLSConfig: tlsConfig, DisableIdentity: true,
	}, nil
}

// Client returns a new client for the server; close it after use. For a
// cluster it reaches the first node only: use UniversalClient.
func (s *Server) Client() *redis.Client {
	addr := s.addr
	if s.cluster != nil {
		addr = s.cluster.Addrs()[0]
	}
	opts, err := s.clientOptions(addr)
	if err != nil {
		// The kit wrote the CA file itself: failing to read it is a broken test dir.
		panic(err)
	}
	return redis.NewClient(opts)
}

// UniversalClient returns a new client for the server, a cluster client for
// a cluster; close it after use.
func (s *Server) UniversalClient() redis.UniversalClient {
	if s.cluster == nil {
		return s.Client()
	}
	return redis.NewClusterClient(&redis.ClusterOptions{
		Addrs: s.cluster.Addrs(), Password: s.opts.adminPassword(), DisableIdentity: true,
	})
}

// Stop stops the server, as a crash or a restart of Redis would.
func (s *Server) Stop() {
	if s.cluster != nil {
		s.cluster.Stop()
		return
	}
	if s.mini != nil {
		s.mini.Close()
		return
	}
	if s.proc != nil {
		s.proc.Process.Kill()
		<-s.exited
		s.proc = nil
	}
}

// StartAgain starts an empty server on the same address, as a Redis restart
// without persistence does.
func (s *Server) StartAgain() error {
	if s.cluster != nil {
		return errors.New("the kit cannot restart a cluster")
	}
	if s.mini != nil {
		// A new instance, not mini.Restart: a closed Miniredis keeps its
		// context cancelled, and its blocking reads then never answer.
		return s.startMini(s.addr)
	}
	return s.startReal()
}

// Reconfigure replaces the server with an empty one started with opts, in
// the same mode and dir. The address may change.
func (s *Server) Reconfigure(opts Options) error {
	if err := opts.check(s.mode); err != nil {
		return err
	}
	s.Stop()
	next, err := StartWith(s.mode, s.dir, opts)
	if err != nil {
		return err
	}
	*s = *next
	return nil
}

// Close stops the server for good.
func (s *Server) Close() { s.Stop() }

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
