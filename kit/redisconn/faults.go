package redisconn

import (
	"context"
	"errors"
	"io"
	"net"

	"github.com/redis/go-redis/v9"
)

// serverFaults are the replies of a Redis that cannot serve right now, by
// prefix, and what they mean in plain words. None says anything about the
// command sent: the same command will work once Redis is well again.
var serverFaults = []struct{ prefix, words string }{
	{"OOM", "Redis is out of memory (maxmemory reached) and refuses writes"},
	{"READONLY", "Redis is a read-only replica (a failover?) and refuses writes"},
	{"LOADING", "Redis is loading its data after a restart"},
	{"MASTERDOWN", "Redis has lost its master"},
	{"BUSY ", "Redis is busy running a long script"},
	{"MISCONF", "Redis cannot save to disk and refuses writes"},
	{"NOREPLICAS", "Redis has too few replicas to accept writes"},
	{"CLUSTERDOWN", "the Redis Cluster is down"},
	{"TRYAGAIN", "the Redis Cluster is moving keys"},
	{"NOAUTH", "Redis refuses the credentials in REDIS_URL"},
	{"WRONGPASS", "Redis refuses the credentials in REDIS_URL"},
	{"max number of clients", "Redis has too many clients"}, // after "ERR ", which HasErrorPrefix drops
}

// FaultWords says what a fault of Redis is, in plain words, and whether err
// is one: a lost connection, a timeout, or a server that refuses to serve
// for now. The words hold no address and no server message, so that a probe
// anyone may read can show them.
func FaultWords(err error) (string, bool) {
	for _, f := range serverFaults {
		if redis.HasErrorPrefix(err, f.prefix) {
			return f.words, true
		}
	}
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout(),
		errors.Is(err, redis.ErrPoolTimeout):
		return "Redis does not answer in time", true
	case errors.As(err, &netErr), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, redis.ErrClosed):
		return "cannot reach Redis", true
	}
	return "", false
}

// Answers is the readiness check of every service: nil when Redis answers a
// PING, else an error in FaultWords's plain words, the same in all three
// services' /readyz. detail, if not nil, gets go-redis's own error for the log.
func Answers(ctx context.Context, rdb redis.UniversalClient, detail func(error)) error {
	err := rdb.Ping(ctx).Err()
	if err == nil {
		return nil
	}
	if detail != nil {
		detail(err)
	}
	if words, ok := FaultWords(err); ok {
		return errors.New(words)
	}
	return errors.New("Redis does not answer PING as it should (the log says why)")
}
