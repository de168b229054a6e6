package acl

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// The file names the three services, each starting from nothing and limited
// to its own keys.
func TestUsers(t *testing.T) {
	users := Users()
	var names []string
	for _, u := range users {
		names = append(names, u.Name)
		if u.Rules[0] != "reset" || !slices.Contains(u.Rules, "on") {
			t.Errorf("%s: rules %v should start with reset and turn the user on", u.Name, u.Rules)
		}
		for _, r := range u.Rules {
			if strings.HasPrefix(r, ">") || strings.HasPrefix(r, "#") || r == "nopass" ||
				r == "allkeys" || r == "~*" || r == "+@all" || r == "allcommands" {
				t.Errorf("%s: rule %q does not belong in the file", u.Name, r)
			}
		}
	}
	if want := []string{"order-service", "payment-service", "notification-service"}; !slices.Equal(names, want) {
		t.Errorf("users = %v, want %v", names, want)
	}
}

func TestSelectors(t *testing.T) {
	got := mergeSelectors(strings.Fields("reset on ~a +xlen (~b ~c +xadd) (~d +set) (~e) +ping"))
	want := []string{"reset", "on", "~a", "+xlen", "(~b ~c +xadd)", "(~d +set)", "(~e)", "+ping"}
	if !slices.Equal(got, want) {
		t.Errorf("mergeSelectors = %q, want %q", got, want)
	}
}

func TestSetUser(t *testing.T) {
	u := User{Name: "order-service", Rules: []string{"reset", "on", "+xadd"}}
	got := u.SetUser("pw")
	want := []any{"ACL", "SETUSER", "order-service", "reset", "on", "+xadd", ">pw"}
	if !slices.Equal(got, want) {
		t.Errorf("SetUser = %v, want %v", got, want)
	}
	if EnvName("payment-service") != "PAYMENT_SERVICE" {
		t.Errorf("EnvName(payment-service) = %q", EnvName("payment-service"))
	}
}

// The file loads as an ACL file (--aclfile) on a real redis-server, which
// refuses to start on a bad line instead of ignoring it.
func TestLoadsAsACLFile(t *testing.T) {
	if os.Getenv("REDIS_TEST") == "embedded" {
		t.Skip("REDIS_TEST=embedded: loading an ACL file needs a real redis-server")
	}
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not on PATH")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "users.acl")
	if err := os.WriteFile(file, []byte(File), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	cmd := exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "", "--aclfile", file, "--dir", dir)
	var log strings.Builder
	cmd.Stdout = &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cmd.Process.Kill()
		<-exited
	}()
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + port, MaxRetries: -1, DisableIdentity: true})
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		users, err := client.Do(ctx, "ACL", "USERS").StringSlice()
		if err == nil {
			slices.Sort(users)
			want := []string{"default", "notification-service", "order-service", "payment-service"}
			if !slices.Equal(users, want) {
				t.Errorf("ACL USERS = %v, want %v", users, want)
			}
			return
		}
		select {
		case err := <-exited:
			exited <- err // for the deferred wait
			t.Fatalf("redis-server refused users.acl:\n%s", log.String())
		case <-ctx.Done():
			t.Fatalf("redis-server did not answer: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}
