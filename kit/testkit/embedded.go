package testkit

import (
	"strings"

	"github.com/alicebob/miniredis/v2"
	miniserver "github.com/alicebob/miniredis/v2/server"
)

// AnswerMaxMemoryPolicy makes a started embedded broker (miniredis) answer
// CONFIG GET maxmemory-policy with noeviction, as a default redis-server
// does: it never evicts a key, and the services check the policy at start
// (redisconn.CheckEviction). Without it they would warn that they cannot
// tell.
func AnswerMaxMemoryPolicy(m *miniredis.Miniredis) {
	_ = m.Server().Register("CONFIG", func(c *miniserver.Peer, _ string, args []string) {
		if len(args) != 2 || !strings.EqualFold(args[0], "GET") || !strings.EqualFold(args[1], "maxmemory-policy") {
			c.WriteError("ERR the embedded broker answers only CONFIG GET maxmemory-policy")
			return
		}
		c.WriteMapLen(1)
		c.WriteBulk("maxmemory-policy")
		c.WriteBulk("noeviction")
	})
}
