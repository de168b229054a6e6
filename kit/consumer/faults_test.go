package consumer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"

	"github.com/redis/go-redis/v9"
)

// serverError is an error reply, as go-redis returns it.
type serverError string

func (e serverError) Error() string { return string(e) }
func (serverError) RedisError()     {}

func TestRedisFault(t *testing.T) {
	dialErr := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	for _, tc := range []struct {
		err   error
		fault bool
		words string
	}{
		{serverError("OOM command not allowed when used memory > 'maxmemory'."), true, "Redis is out of memory"},
		{serverError("OOM command not allowed when used memory > 'maxmemory'. script: 9d19b7, on @user_script:1."), true, "Redis is out of memory"},
		{serverError("READONLY You can't write against a read only replica."), true, "read-only replica"},
		{serverError("LOADING Redis is loading the dataset in memory"), true, "loading its data"},
		{serverError("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."), true, "lost its master"},
		{serverError("BUSY Redis is busy running a script."), true, "busy running a long script"},
		{serverError("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk."), true, "cannot save to disk"},
		{serverError("CLUSTERDOWN The cluster is down"), true, "Cluster is down"},
		{serverError("TRYAGAIN Multiple keys request during rehashing of slot"), true, "moving keys"},
		{serverError("NOREPLICAS Not enough good replicas to write."), true, "too few replicas"},
		{serverError("WRONGPASS invalid username-password pair or user is disabled."), true, "refuses the credentials"},
		{serverError("NOAUTH Authentication required."), true, "refuses the credentials"},
		{serverError("ERR max number of clients reached"), true, "too many clients"},
		{fmt.Errorf("pay: %w", serverError("OOM command not allowed")), true, "out of memory"},
		{dialErr, true, "cannot reach Redis"},
		{io.EOF, true, "cannot reach Redis"},
		{io.ErrUnexpectedEOF, true, "cannot reach Redis"},
		{redis.ErrClosed, true, "cannot reach Redis"},
		{context.DeadlineExceeded, true, "does not answer in time"},
		{redis.ErrPoolTimeout, true, "does not answer in time"},
		{&net.OpError{Op: "read", Net: "tcp", Err: timeoutError{}}, true, "does not answer in time"},

		// The event's own defects, and mistakes that a retry does not fix,
		// count as deliveries.
		{serverError("WRONGTYPE Operation against a key holding the wrong kind of value"), false, "a batch failed"},
		{serverError("NOGROUP No such key 'order-events' or consumer group"), false, "the consumer group is missing"},
		{serverError("BUSYGROUP Consumer Group name already exists"), false, "a batch failed"},
		{serverError("BUSYKEY Target key name already exists."), false, "a batch failed"},
		{errors.New("invalid payment"), false, "a batch failed"},
	} {
		if got := redisFault(tc.err); got != tc.fault {
			t.Errorf("redisFault(%q) = %v, want %v", tc.err, got, tc.fault)
		}
		if got := plainWords(tc.err); !strings.Contains(got, tc.words) {
			t.Errorf("plainWords(%q) = %q, want it to say %q", tc.err, got, tc.words)
		}
	}
}

type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }
