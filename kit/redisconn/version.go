package redisconn

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Need is the oldest Redis a program works with, and what it needs from it.
type Need struct {
	Version string // major.minor, such as "7.0"
	For     string // what needs it, for the message
}

// The two minimums of the course.
var (
	// Redis62 is enough for lessons 01 and 02: XAUTOCLAIM and exclusive
	// ranges (XRANGE key (ID +) came in Redis 6.2.
	Redis62 = Need{Version: "6.2", For: "XAUTOCLAIM and exclusive ranges"}
	// Redis70 is needed by lesson 03 and the services: from 7.0 XAUTOCLAIM
	// replies with three elements (the third lists the deleted entries it
	// dropped; 6.2 answers nil for them), and XINFO GROUPS reports the lag.
	Redis70 = Need{Version: "7.0", For: "the three-element XAUTOCLAIM reply and the lag of XINFO GROUPS"}
)

// TooOldError says that the server is older than a program needs. Its
// message is one line: the server's version, what is needed, and the remedy.
type TooOldError struct {
	Target Target
	Found  string // the server's version, or "older than 6.0"
	Need   Need
}

func (e *TooOldError) Error() string {
	return fmt.Sprintf("Redis at %s is version %s; this program needs Redis %s or newer (%s): upgrade it, or start `go run ./scripts/redis` or Docker's redis:7",
		e.Target, e.Found, e.Need.Version, e.Need.For)
}

// ServerVersion asks the server for its version with HELLO, which every user
// may send (INFO needs a permission the services' ACL users do not have). A
// server older than 6.0 does not know HELLO: its version is reported as
// "older than 6.0". The embedded broker (miniredis) refuses HELLO without
// arguments: its version stays unknown, and CheckVersion lets it pass (it has
// the stream commands of 7.0).
func ServerVersion(ctx context.Context, client redis.UniversalClient) (string, error) {
	reply, err := client.Do(ctx, "HELLO").Result()
	if err != nil {
		if strings.HasPrefix(err.Error(), "ERR unknown command") {
			return "older than 6.0", nil
		}
		return "", err
	}
	// RESP3 gives a map, RESP2 a flat list of names and values.
	switch r := reply.(type) {
	case map[any]any:
		if v, ok := r["version"].(string); ok {
			return v, nil
		}
	case []any:
		for i := 0; i+1 < len(r); i += 2 {
			if r[i] == "version" {
				if v, ok := r[i+1].(string); ok {
					return v, nil
				}
			}
		}
	}
	return "", fmt.Errorf("no version in the reply to HELLO: %v", reply)
}

// CheckVersion returns a *TooOldError when the server is older than need.
// When the server cannot tell its version, it lets the program go on: the
// commands themselves will say what is wrong.
func CheckVersion(ctx context.Context, client redis.UniversalClient, t Target, need Need) error {
	found, err := ServerVersion(ctx, client)
	if err != nil {
		return nil
	}
	if !atLeast(found, need.Version) {
		return &TooOldError{Target: t, Found: found, Need: need}
	}
	return nil
}

// atLeast compares major.minor[.patch] versions; "older than 6.0", or any
// version it cannot read, is older than everything.
func atLeast(version, want string) bool {
	v, okV := majorMinor(version)
	w, okW := majorMinor(want)
	if !okV || !okW {
		return false
	}
	return v[0] > w[0] || v[0] == w[0] && v[1] >= w[1]
}

func majorMinor(version string) ([2]int, bool) {
	parts := strings.SplitN(version, ".", 3)
	if len(parts) < 2 {
		return [2]int{}, false
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	return [2]int{major, minor}, err1 == nil && err2 == nil
}
