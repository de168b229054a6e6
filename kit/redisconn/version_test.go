package redisconn

import (
	"context"
	"testing"

	"github.com/alicebob/miniredis/v2"
)

func connectTo(addr string, needs ...Need) error {
	client, _, err := Connect(context.Background(), func(k string) string {
		if k == "REDIS_URL" {
			return addr
		}
		return ""
	}, needs...)
	if err == nil {
		client.Close()
	}
	return err
}

// A server older than a program needs stops it with one line that gives the
// server's version and the one needed. (scripts/systemtest runs every program
// against a server that poses as Redis 6.0.)
func TestTooOldError(t *testing.T) {
	target, err := Parse("redis://learner:s3cret@127.0.0.1:6380")
	if err != nil {
		t.Fatal(err)
	}
	err = &TooOldError{Target: target, Found: "6.0.0", Need: Redis62}
	want := "Redis at 127.0.0.1:6380 is version 6.0.0; this program needs Redis 6.2 or newer (XAUTOCLAIM and exclusive ranges): upgrade it, or start `go run ./scripts/redis` or Docker's redis:7"
	if err.Error() != want {
		t.Errorf("got  %q\nwant %q", err, want)
	}
}

// The embedded broker is new enough for every program. (The stages' scripts
// connect with their needs to a real redis-server too.)
func TestConnectNewEnough(t *testing.T) {
	m := miniredis.RunT(t)
	if err := connectTo(m.Addr(), Redis62, Redis70); err != nil {
		t.Errorf("miniredis: %v", err)
	}
}

func TestAtLeast(t *testing.T) {
	for _, c := range []struct {
		version, want string
		ok            bool
	}{
		{"7.0.15", "7.0", true}, {"7.2.4", "7.0", true}, {"10.0.0", "7.0", true}, {"6.2.0", "6.2", true},
		{"6.2.14", "7.0", false}, {"6.0.0", "6.2", false}, {"older than 6.0", "6.2", false}, {"", "6.2", false},
	} {
		if got := atLeast(c.version, c.want); got != c.ok {
			t.Errorf("atLeast(%q, %q) = %v", c.version, c.want, got)
		}
	}
}
