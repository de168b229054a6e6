// Package acl holds the services' minimal ACL rules, users.acl: each user may
// run only the commands it needs, on the keys it owns. They were found by
// running each service under -@all and adding what ACL LOG reported, and the
// system test checks them (scripts/systemtest, acl.txtar and cluster.txtar).
//
//   - order-service publishes orders (XADD) and reports the stream's length
//     in /stats (XLEN).
//   - payment-service reads order-events as payment-service-group, pays each
//     order with a Lua script (EVALSHA; EVAL when Redis answers NOSCRIPT) whose own
//     commands are XACK, INCRBY (or INCR), XADD, XTRIM and, on a cluster, SET NX on the
//     {payment-events} keys, and dead-letters bad orders to its own stream.
//   - notification-service reads both streams as notification-service-group,
//     remembers each notification sent (SET NX on notification:*), and
//     dead-letters bad events to its own streams.
//
// Writes are granted in selectors, "(~keys +commands)", so that each write
// command works on the keys it is for and no other: payment-service may XADD
// to payment-events but not to order-events, which it reads; notification-service
// may SET only its notification:* keys, and XADD only to its dead-letter
// streams. A Lua script's own commands are checked the same way.
//
// Every user also needs PING (the start-up check and /readyz), and the
// consumers XGROUP CREATE, XREADGROUP, XACK, XAUTOCLAIM, XPENDING (delivery
// counts), XINFO GROUPS and CONSUMERS (/stats, /metrics), and EVALSHA and
// EVAL for the script that removes idle consumers (XINFO CONSUMERS, XGROUP
// DELCONSUMER). CLUSTER SLOTS lets go-redis learn which node owns which slot
// on a cluster; a single server never sees it.
//
// The file holds no passwords, and no comments, which an ACL file does not
// allow: it loads as is with --aclfile, and its users cannot log in until each
// is given a password (docs/production.md shows how).
package acl

import (
	_ "embed"
	"strings"
)

// File is users.acl: one `user NAME RULE...` line per service, without
// passwords, in the syntax of a Redis ACL file and of ACL SETUSER.
//
//go:embed users.acl
var File string

// User is one user of the file.
type User struct {
	Name  string
	Rules []string // as ACL SETUSER takes them, without a password
}

// Users returns the users of the file, in order.
func Users() []User {
	var users []User
	for _, line := range strings.Split(File, "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 || fields[0] != "user" {
			continue // a comment or a blank line
		}
		users = append(users, User{Name: fields[1], Rules: mergeSelectors(fields[2:])})
	}
	return users
}

// mergeSelectors joins the words of each selector, "(~key +cmd)", into one
// rule, as ACL SETUSER takes it.
func mergeSelectors(words []string) []string {
	var rules []string
	open := false
	for _, w := range words {
		if open {
			rules[len(rules)-1] += " " + w
		} else {
			rules = append(rules, w)
		}
		switch {
		case strings.HasPrefix(w, "(") && !open:
			open = !strings.HasSuffix(w, ")")
		case open && strings.HasSuffix(w, ")"):
			open = false
		}
	}
	return rules
}

// SetUser returns the ACL SETUSER command that creates or replaces the user
// with the given password, as arguments for a client's Do.
func (u User) SetUser(password string) []any {
	args := []any{"ACL", "SETUSER", u.Name}
	for _, r := range u.Rules {
		args = append(args, r)
	}
	return append(args, ">"+password)
}

// EnvName turns a user name into the suffix of an environment variable:
// order-service becomes ORDER_SERVICE.
func EnvName(user string) string {
	return strings.ToUpper(strings.ReplaceAll(user, "-", "_"))
}
