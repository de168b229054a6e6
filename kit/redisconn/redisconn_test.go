package redisconn

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
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

// go-redis parses a URL's query options; the course's defaults stay where
// the query says nothing; an unknown option is refused, naming it and not
// the password.
func TestQueryOptions(t *testing.T) {
	single := func(raw string) *redis.Options {
		t.Helper()
		target, err := Parse(raw)
		if err != nil {
			t.Fatalf("Parse(%s): %v", raw, err)
		}
		c, err := NewClient(target)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.(*redis.Client).Options()
	}
	o := single("redis://u:" + secret + "@cache:7000/1?pool_size=5&dial_timeout=3s")
	if o.PoolSize != 5 || o.DialTimeout != 3*time.Second || o.MaxRetries != 0 || o.DB != 1 || o.Password != secret || !o.ContextTimeoutEnabled {
		t.Errorf("?pool_size=5&dial_timeout=3s: pool %d, dial %v, retries %d, db %d; want 5, 3s, 0 (no retry: go-redis turns -1 into 0), 1", o.PoolSize, o.DialTimeout, o.MaxRetries, o.DB)
	}
	if o := single("redis://cache:7000"); o.DialTimeout != dialTimeout || o.MaxRetries != 0 {
		t.Errorf("no query: dial %v, retries %d; want %v, 0", o.DialTimeout, o.MaxRetries, dialTimeout)
	}
	if o := single("rediss://cache:7000?max_retries=2"); o.MaxRetries != 2 || o.TLSConfig == nil {
		t.Errorf("?max_retries=2 over TLS: retries %d, TLS %v; want 2 and TLS", o.MaxRetries, o.TLSConfig != nil)
	}

	target, err := Parse("redis://u:" + secret + "@h1:7000,h2:7001?pool_size=7")
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(target)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if o := c.(*redis.ClusterClient).Options(); o.PoolSize != 7 || len(o.Addrs) != 2 || o.MaxRetries > 0 || o.Password != secret {
		t.Errorf("cluster ?pool_size=7: pool %d, addrs %v, retries %d", o.PoolSize, o.Addrs, o.MaxRetries)
	}

	for _, raw := range []string{"redis://u:" + secret + "@cache:7000?no_such_option=1", "redis://u:" + secret + "@h1:7000,h2:7001?nope=1"} {
		_, err := Parse(raw)
		if err == nil || !strings.Contains(err.Error(), "unexpected option") || strings.Contains(err.Error(), secret) {
			t.Errorf("an unknown option: %v; want it named, without the password", err)
		}
	}
}
