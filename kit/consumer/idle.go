package consumer

import (
	"context"
	"os"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultIdleDelete is how long a consumer of the group must have been idle,
// with no pending entries, before it is removed (CONSUMER_IDLE_DELETE).
// Each pod that Kubernetes replaces leaves a consumer behind under its old
// name; without this, they pile up in the group for ever.
const DefaultIdleDelete = time.Hour

// DefaultName is the consumer name used when CONSUMER_NAME is unset: the
// host's name and the HTTP port, as in "payment-7d9f8-x2x9k:8081". It is the
// same each time the service starts on a host, so that a restarted instance
// finds and finishes its own pending entries, and it differs between hosts
// (in Kubernetes the host name is the pod's name) and between instances on
// one host (they cannot share a port). HOSTNAME, when set, is taken as the
// host's name, as containers set it.
func DefaultName(getenv func(string) string, port string) string {
	host := getenv("HOSTNAME")
	if host == "" {
		host, _ = os.Hostname()
	}
	host = sanitizeName(host)
	if host == "" {
		host = "instance"
	}
	return host + ":" + port
}

// sanitizeName keeps letters, digits, '.', '-' and '_', replaces anything
// else with '-', and bounds the length: a name shows up in logs, dead
// letters and metric labels.
func sanitizeName(s string) string {
	const maxLen = 63
	var b strings.Builder
	for _, r := range s {
		if b.Len() == maxLen {
			break
		}
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}

// removeIdleScript removes the group's consumers that hold no pending entries
// and have been idle for at least ARGV[2] ms, except the caller. It runs as
// one script because XGROUP DELCONSUMER drops a consumer's pending entries
// from the group: checked and deleted in two calls, a consumer could read
// entries in between, and they would never be processed or claimed.
//
// An idle time below 0 means the server does not know it (the embedded
// broker, for a consumer created by XGROUP CREATECONSUMER): kept.
//
//	KEYS  the stream
//	ARGV  group, min idle (ms), the caller's consumer name
var removeIdleScript = redis.NewScript(`
local removed = {}
for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
  local f = c
  if not c.name then
    f = {}
    for i = 1, #c, 2 do f[c[i]] = c[i + 1] end
  end
  if f.pending == 0 and f.idle >= tonumber(ARGV[2]) and f.name ~= ARGV[3] then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], f.name)
    removed[#removed + 1] = f.name
  end
end
return removed
`)

// RemoveIdleConsumers removes the consumers of the group that have no pending
// entries and have been idle for longer than IdleDelete, and returns their
// names. A consumer that is still alive only needs to read again to come
// back.
func (c *Consumer) RemoveIdleConsumers(ctx context.Context) ([]string, error) {
	keys := []string{c.cfg.Stream}
	args := []any{c.cfg.Group, c.cfg.IdleDelete.Milliseconds(), c.cfg.Consumer}
	// Run sends EVALSHA, and EVAL when Redis does not know the script yet.
	removed, err := removeIdleScript.Run(ctx, c.rdb, keys, args...).StringSlice()
	if err != nil {
		return nil, err
	}
	c.removed.Add(int64(len(removed)))
	for _, name := range removed {
		c.cfg.Log.Info("removed an idle consumer with no pending entries", "removed", name, "idleOver", c.cfg.IdleDelete)
	}
	return removed, nil
}

// removeIdle runs RemoveIdleConsumers now and then until ctx is done. It
// fails quietly: the loop reports Redis outages, and the next turn retries.
func (c *Consumer) removeIdle(ctx context.Context) {
	every := min(max(c.cfg.IdleDelete/2, 100*time.Millisecond), 5*time.Minute)
	for {
		if _, err := c.RemoveIdleConsumers(ctx); err != nil && ctx.Err() == nil && !isNoGroup(err) {
			c.cfg.Log.Debug("could not remove idle consumers", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}
