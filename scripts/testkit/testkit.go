// Package testkit runs a stage's testscripts, each against a Redis of its own.
//
// Each script gets a fresh server: a real redis-server on a free loopback port
// when the binary is on PATH, otherwise an in-process miniredis. REDIS_TEST=real
// or REDIS_TEST=embedded forces one mode. REDIS_URL inside the script points at
// that server, whatever it was outside, so a test never touches a Redis it did
// not start.
//
// Scripts can use the conditions [real] and [embedded], the variables
// $REDIS_URL, $REDIS_MODE and $PORT1..$PORT3 (free loopback ports), and the
// commands in Cmds.
package testkit

import (
	"context"
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
		env.Setenv("REDIS_URL", srv.Addr())
		env.Setenv("REDIS_MODE", mode)
		env.Setenv("REDIS_CA_FILE", "")
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

// Server is one test's Redis.
type Server struct {
	mode string
	addr string
	dir  string
	mini *miniredis.Miniredis
	proc *exec.Cmd
	// exited receives the real server's exit once.
	exited chan error
}

// Start starts a server in the given mode; dir holds a real server's log.
func Start(mode, dir string) (*Server, error) {
	s := &Server{mode: mode, dir: dir}
	if mode == "embedded" {
		s.mini = miniredis.NewMiniRedis()
		if err := s.mini.StartAddr("127.0.0.1:0"); err != nil {
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

func (s *Server) startReal() error {
	_, port, _ := net.SplitHostPort(s.addr)
	s.proc = exec.Command("redis-server",
		"--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--dir", s.dir, "--logfile", filepath.Join(s.dir, "redis-"+port+".log"))
	if err := s.proc.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	s.exited = exited
	go func() { exited <- s.proc.Wait() }()
	client := redis.NewClient(&redis.Options{Addr: s.addr, MaxRetries: -1, DisableIdentity: true})
	defer client.Close()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		select {
		case err := <-exited:
			s.proc = nil
			return fmt.Errorf("redis-server on %s exited: %v (see its log in the work dir)", s.addr, err)
		default:
		}
		if client.Ping(context.Background()).Err() == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.Stop()
	return fmt.Errorf("redis-server on %s did not answer within 10s", s.addr)
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.addr }

// Client returns a new client for the server; close it after use.
func (s *Server) Client() *redis.Client {
	return redis.NewClient(&redis.Options{Addr: s.addr, DisableIdentity: true})
}

// Stop stops the server, as a crash or a restart of Redis would.
func (s *Server) Stop() {
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
	if s.mini != nil {
		// A new instance, not mini.Restart: a closed Miniredis keeps its
		// context cancelled, and its blocking reads then never answer.
		s.mini = miniredis.NewMiniRedis()
		return s.mini.StartAddr(s.addr)
	}
	return s.startReal()
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
