package redisconn

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
)

const secret = "s3cret"

func TestParse(t *testing.T) {
	tests := []struct {
		raw    string
		want   Target
		String string
	}{
		{"", Target{Addrs: []string{DefaultAddr}}, DefaultAddr},
		{"  ", Target{Addrs: []string{DefaultAddr}}, DefaultAddr},
		{"127.0.0.1:6390", Target{Addrs: []string{"127.0.0.1:6390"}}, "127.0.0.1:6390"},
		{":6390", Target{Addrs: []string{":6390"}}, ":6390"},
		{"redis://cache:7000", Target{Addrs: []string{"cache:7000"}}, "cache:7000"},
		{"redis://cache", Target{Addrs: []string{"cache:6379"}}, "cache:6379"},
		{"redis://:6380", Target{Addrs: []string{"localhost:6380"}}, "localhost:6380"},
		{"redis://[::1]:6380", Target{Addrs: []string{"[::1]:6380"}}, "[::1]:6380"},
		{
			"redis://learner:" + secret + "@cache:7000/2",
			Target{Addrs: []string{"cache:7000"}, Username: "learner", Password: secret, DB: 2},
			"cache:7000/2",
		},
		{
			"redis://:" + secret + "@cache:7000", // a password without a user: the default user
			Target{Addrs: []string{"cache:7000"}, Password: secret},
			"cache:7000",
		},
		{
			"rediss://learner:" + secret + "@cache.example.com:6380/0",
			Target{Addrs: []string{"cache.example.com:6380"}, Username: "learner", Password: secret, TLS: true},
			"rediss://cache.example.com:6380",
		},
		{
			"host1:7000,host2:7001, host3:7002",
			Target{Addrs: []string{"host1:7000", "host2:7001", "host3:7002"}},
			"host1:7000,host2:7001,host3:7002",
		},
	}
	for _, tt := range tests {
		got, err := Parse(tt.raw)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.raw, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q) = %+v, want %+v", tt.raw, got, tt.want)
		}
		if s := got.String(); s != tt.String {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.raw, s, tt.String)
		}
		if strings.Contains(got.String(), secret) {
			t.Errorf("Parse(%q).String() shows the password", tt.raw)
		}
	}
}

func TestCluster(t *testing.T) {
	one, _ := Parse("127.0.0.1:6379")
	several, _ := Parse("127.0.0.1:7000,127.0.0.1:7001")
	if one.Cluster() || !several.Cluster() {
		t.Errorf("Cluster: one address = %v, two = %v; want false, true", one.Cluster(), several.Cluster())
	}
}

// A bad REDIS_URL gets an error that names REDIS_URL and never repeats the
// input, which may hold a password.
func TestParseRefuses(t *testing.T) {
	for _, raw := range []string{
		"localhost", // no port
		"redis://learner:" + secret + "@host:notaport", // url.Parse fails, and its error quotes the input
		"redis://learner:" + secret + "@host:6379/db",
		"redis://learner:" + secret + "@host:6379/-1",
		"http://learner:" + secret + "@host:6379",
		"host1:7000,learner:" + secret + "@host2", // a cluster list is host:port only
		"host1:7000,",
		secret + "@127.0.0.1:1",                 // credentials without redis://
		"host1:7000," + secret + "@127.0.0.1:2", // the same in a cluster list
		"redis://u:12#" + secret + "@host:6379", // an unencoded # cuts the URL short
		"redis://u:12?" + secret + "@host:6379", // and so does ?
	} {
		got, err := Parse(raw)
		if err == nil {
			t.Errorf("Parse(%q) = %+v, want an error", raw, got)
			continue
		}
		if !strings.Contains(err.Error(), "REDIS_URL") {
			t.Errorf("Parse(%q): %q does not name REDIS_URL", raw, err)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("Parse(%q): the error shows the password: %q", raw, err)
		}
	}
}

func TestFromEnv(t *testing.T) {
	env := map[string]string{"REDIS_URL": "rediss://cache:6380", "REDIS_CA_FILE": "/etc/ca.pem"}
	got, err := FromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if got.CAFile != "/etc/ca.pem" || !got.TLS || got.Addrs[0] != "cache:6380" {
		t.Errorf("FromEnv = %+v", got)
	}
}

// The error for a server that does not answer names the address and both
// remedies, on one line, without the password.
func TestUnreachableError(t *testing.T) {
	target, _ := Parse("redis://learner:" + secret + "@127.0.0.1:1")
	err := &UnreachableError{Target: target, Err: errors.New("dial tcp 127.0.0.1:1: connect: connection refused")}
	msg := err.Error()
	for _, want := range []string{"127.0.0.1:1", "go run ./scripts/redis", "redis-server", "REDIS_URL"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q does not contain %q", msg, want)
		}
	}
	if strings.Contains(msg, secret) || strings.Contains(msg, "\n") {
		t.Errorf("want one line without the password, got %q", msg)
	}

	auth := &UnreachableError{Target: target, Err: errors.New("WRONGPASS invalid username-password pair or user is disabled.")}
	if msg := auth.Error(); !strings.Contains(msg, "refused the credentials") || strings.Contains(msg, secret) {
		t.Errorf("auth failure: got %q", msg)
	}
}

// Connect fails within seconds, with an *UnreachableError, when nothing listens.
func TestConnectUnreachable(t *testing.T) {
	env := map[string]string{"REDIS_URL": "redis://learner:" + secret + "@127.0.0.1:1"}
	client, _, err := Connect(context.Background(), func(k string) string { return env[k] })
	if err == nil {
		client.Close()
		t.Fatal("Connect to port 1 succeeded")
	}
	var unreachable *UnreachableError
	if !errors.As(err, &unreachable) {
		t.Fatalf("got %T %v, want *UnreachableError", err, err)
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("the error shows the password: %q", err)
	}
}
