// Package redisconn is the one way every program in the workshop reaches Redis.
//
// REDIS_URL names the server:
//
//	localhost:6379                      a bare host:port (the default)
//	redis://[user:pass@]host:port[/db]  a URL, with an optional ACL user and password
//	rediss://...                        the same over TLS; REDIS_CA_FILE names a CA bundle
//	host1:7000,host2:7001,host3:7002    a Redis Cluster
//	redis[s]://[user:pass@]host1:7000,host2:7001,...  a Redis Cluster with credentials, or TLS
//
// One address that turns out to be a node of a Redis Cluster, as a managed
// cluster's single endpoint is, is used as a cluster's (see cluster.go).
//
// A URL may end with go-redis's query options (?pool_size=50&dial_timeout=3s,
// see redis.ParseURL): go-redis parses it. What this package adds is what
// go-redis lacks: the host:port and comma-list forms, REDIS_CA_FILE, and
// defaults for the course (a 2s dial timeout, no retries of a command whose
// reply was lost, deadlines honoured) that a query option may override.
//
// The password is never printed: errors and log lines use Target.String,
// which shows only the address.
package redisconn

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultAddr is where Redis is looked for when REDIS_URL is empty.
const DefaultAddr = "localhost:6379"

// dialTimeout bounds how long a program waits for a server that does not answer,
// so that a wrong address fails in seconds instead of hanging.
const dialTimeout = 2 * time.Second

// Target is a parsed REDIS_URL. Its String method never shows the password.
type Target struct {
	Addrs    []string // one address, or several for a cluster
	Username string
	Password string
	DB       int
	TLS      bool
	CAFile   string
	// query holds the URL's query options (pool_size=50, ...), for go-redis.
	query url.Values
	// clusterNode: the one address is a node of a Redis Cluster (Connect).
	clusterNode bool
}

// Cluster reports whether the target is a Redis Cluster: several addresses,
// or one that Connect found to be a node of a cluster.
func (t Target) Cluster() bool { return len(t.Addrs) > 1 || t.clusterNode }

// String shows where the target is, without credentials.
func (t Target) String() string {
	s := strings.Join(t.Addrs, ",")
	if t.TLS {
		s = "rediss://" + s
	}
	if t.DB != 0 {
		s += "/" + strconv.Itoa(t.DB)
	}
	return s
}

// FromEnv reads REDIS_URL and REDIS_CA_FILE through getenv (os.Getenv in main,
// a map in tests).
func FromEnv(getenv func(string) string) (Target, error) {
	t, err := Parse(getenv("REDIS_URL"))
	t.CAFile = getenv("REDIS_CA_FILE")
	return t, err
}

// Parse turns a REDIS_URL value into a Target. The error never quotes the
// input, because the input may hold a password.
func Parse(raw string) (Target, error) {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		return Target{Addrs: []string{DefaultAddr}}, nil
	case strings.Contains(raw, ",") && strings.Contains(raw, "://"):
		return parseClusterURL(raw)
	case strings.Contains(raw, ","):
		return parseHostList(raw)
	case !strings.Contains(raw, "://"):
		if !isHostPort(raw) {
			return Target{}, errors.New("REDIS_URL: expected host:port or redis://[user:pass@]host:port[/db]")
		}
		return Target{Addrs: []string{raw}}, nil
	}
	return parseURL(raw)
}

// parseHostList reads host1:port1,host2:port2,...: a Redis Cluster without
// credentials or TLS.
func parseHostList(raw string) (Target, error) {
	var t Target
	for _, addr := range strings.Split(raw, ",") {
		addr = strings.TrimSpace(addr)
		if !isHostPort(addr) {
			return Target{}, errors.New("REDIS_URL: a cluster is a comma-separated list of host:port")
		}
		t.Addrs = append(t.Addrs, addr)
	}
	return t, nil
}

// parseURL reads redis[s]://[user:pass@]host:port[/db][?options]. go-redis
// checks the query options; the rest is read here, so that no error quotes
// the password.
func parseURL(raw string) (Target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the whole input, password included: drop it.
		return Target{}, errors.New("REDIS_URL is not a valid URL: expected redis://[user:pass@]host:port[/db]")
	}
	if u.Opaque != "" || u.Fragment != "" || strings.Contains(u.RawQuery, "@") {
		// A # or ? in a password cuts the URL short: the rest would be taken
		// for a host, or a query, and shown.
		return Target{}, errors.New("REDIS_URL is not a valid URL: percent-encode a password that holds # ? / or @")
	}
	t := Target{}
	switch u.Scheme {
	case "redis":
	case "rediss":
		t.TLS = true
	default:
		return Target{}, fmt.Errorf("REDIS_URL: unknown scheme %q (use redis:// or rediss://)", u.Scheme)
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		host = "localhost"
	}
	if port == "" {
		port = "6379"
	}
	t.Addrs = []string{net.JoinHostPort(host, port)}
	if u.User != nil {
		t.Username = u.User.Username()
		t.Password, _ = u.User.Password()
	}
	if db := strings.Trim(u.Path, "/"); db != "" {
		n, err := strconv.Atoi(db)
		if err != nil || n < 0 {
			return Target{}, errors.New("REDIS_URL: the database after the last / must be a number")
		}
		t.DB = n
	}
	if u.RawQuery != "" {
		if t.query, err = url.ParseQuery(u.RawQuery); err != nil {
			return Target{}, errors.New("REDIS_URL: the options after ? are not name=value pairs joined by &")
		}
		if _, err := redis.ParseURL(u.Scheme + "://" + t.Addrs[0] + "?" + u.RawQuery); err != nil {
			return Target{}, fmt.Errorf("REDIS_URL: %w", err) // go-redis names the option, not the URL
		}
	}
	return t, nil
}

// parseClusterURL reads redis[s]://[user:pass@]host1:port1,host2:port2,...:
// the URL form of a cluster, for credentials and TLS, which a bare list of
// host:port cannot carry. The first node goes through parseURL, which checks
// the scheme and reads the credentials; the others must be host:port.
func parseClusterURL(raw string) (Target, error) {
	const form = "REDIS_URL: a cluster URL is redis[s]://[user:pass@]host1:port1,host2:port2,..."
	scheme, rest, _ := strings.Cut(raw, "://")
	rest, query, _ := strings.Cut(rest, "?")
	if query != "" {
		query = "?" + query
	}
	authority, path := rest, ""
	if i := strings.Index(rest, "/"); i >= 0 {
		authority, path = rest[:i], rest[i:]
	}
	userinfo, hosts := "", authority
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		userinfo, hosts = authority[:i+1], authority[i+1:]
	}
	addrs := strings.Split(hosts, ",")
	for i, addr := range addrs {
		addrs[i] = strings.TrimSpace(addr)
		if !isHostPort(addrs[i]) {
			return Target{}, errors.New(form)
		}
	}
	t, err := parseURL(scheme + "://" + userinfo + addrs[0] + path + query)
	if err != nil {
		return Target{}, err
	}
	if t.query != nil {
		if _, err := redis.ParseClusterURL(scheme + "://" + addrs[0] + query); err != nil {
			return Target{}, fmt.Errorf("REDIS_URL: %w", err)
		}
	}
	if t.DB != 0 {
		return Target{}, errors.New("REDIS_URL: a Redis Cluster has only database 0")
	}
	t.Addrs = addrs
	return t, nil
}

// isHostPort accepts host:port. An @ means credentials without redis://,
// which would then be shown as part of the address.
func isHostPort(s string) bool {
	if strings.Contains(s, "@") {
		return false
	}
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return false
	}
	n, err := strconv.Atoi(port)
	return err == nil && n > 0 && n <= 65535
}

// NewClient builds a client for the target without contacting the server.
// A single address gives a *redis.Client, several (or one that Connect found
// to be a node of a cluster) a *redis.ClusterClient.
func NewClient(t Target) (redis.UniversalClient, error) {
	tlsConfig, err := newTLSConfig(t)
	if err != nil {
		return nil, err
	}
	if t.Cluster() {
		return newClusterClient(t, tlsConfig)
	}
	opts := &redis.Options{}
	if t.query != nil {
		opts, _ = redis.ParseURL("redis://" + t.Addrs[0] + "?" + t.query.Encode()) // checked by Parse
	}
	opts.Addr, opts.Username, opts.Password, opts.DB, opts.TLSConfig = t.Addrs[0], t.Username, t.Password, t.DB, tlsConfig
	if opts.DialTimeout == 0 {
		opts.DialTimeout = dialTimeout
	}
	// CLIENT SETINFO is noise in MONITOR output during class, and old servers reject it.
	opts.DisableIdentity = true
	// Without it, go-redis ignores a context's deadline on socket reads and
	// waits its own ReadTimeout (5s) for a server that hangs. With it, a
	// deadline bounds the command; a context without one changes nothing.
	opts.ContextTimeoutEnabled = true
	// go-redis would send a command again when the connection broke before
	// its reply came: an XADD that Redis had run then adds a second entry.
	// The programs retry themselves, where it is safe: a consumer reads its
	// pending entries again, order-service answers 503. ?max_retries=N
	// overrides it.
	if !t.query.Has("max_retries") {
		opts.MaxRetries = -1
	}
	return redis.NewClient(opts), nil
}

// newClusterClient is NewClient for a cluster, with the same defaults.
func newClusterClient(t Target, tlsConfig *tls.Config) (*redis.ClusterClient, error) {
	opts := &redis.ClusterOptions{}
	if t.query != nil {
		// Parse checked a list's options; one address's were checked by
		// redis.ParseURL, which takes a few that a cluster does not.
		var err error
		if opts, err = redis.ParseClusterURL("redis://" + t.Addrs[0] + "?" + t.query.Encode()); err != nil {
			return nil, fmt.Errorf("REDIS_URL: %w", err)
		}
	}
	opts.Addrs, opts.Username, opts.Password, opts.TLSConfig = t.Addrs, t.Username, t.Password, tlsConfig
	opts.DisableIdentity = true
	// See the single-server case in NewClient.
	opts.ContextTimeoutEnabled = true
	if opts.DialTimeout == 0 {
		opts.DialTimeout = dialTimeout
	}
	if !t.query.Has("max_retries") {
		opts.MaxRetries = -1
	}
	return redis.NewClusterClient(opts), nil
}

// newTLSConfig is the TLS configuration for rediss://, or nil.
func newTLSConfig(t Target) (*tls.Config, error) {
	if !t.TLS {
		return nil, nil
	}
	// No ServerName: the dialer takes it from each address it dials, so
	// that every node of a cluster is checked against its own name. An IP
	// address is checked against the certificate's IP SANs.
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("REDIS_CA_FILE: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("REDIS_CA_FILE: no PEM certificate in %s", t.CAFile)
		}
		tlsConfig.RootCAs = pool
	}
	return tlsConfig, nil
}

// UnreachableError says that nothing usable answered at the target. Its
// message is one line that names the address and both remedies.
type UnreachableError struct {
	Target Target
	Err    error
}

func (e *UnreachableError) Error() string {
	reason := e.Err.Error()
	if IsAuthError(e.Err) {
		return fmt.Sprintf("Redis at %s refused the credentials in REDIS_URL (%s)", e.Target, reason)
	}
	if strings.HasPrefix(reason, "NOPERM") {
		return fmt.Sprintf("Redis at %s accepted the user in REDIS_URL but not its command (%s): add it to the user's ACL rules (docs/production.md)", e.Target, reason)
	}
	if isSelectOnCluster(e.Err) {
		return onlyDatabase0(e.Target).Error()
	}
	if reason == "redis: cluster has no nodes" {
		return fmt.Sprintf("Redis at %s is a node of a Redis Cluster that serves no slots yet (%s): wait until it is formed (CLUSTER INFO says cluster_state:ok)", e.Target, reason)
	}
	var unknownCA x509.UnknownAuthorityError
	var badName x509.HostnameError
	if errors.As(e.Err, &unknownCA) || errors.As(e.Err, &badName) {
		return fmt.Sprintf("Redis at %s sent a certificate this program does not trust (%s): set REDIS_CA_FILE to the CA bundle that signed it", e.Target, reason)
	}
	if strings.Contains(reason, "does not look like a TLS handshake") {
		return fmt.Sprintf("Redis at %s does not speak TLS (%s): use redis:// instead of rediss://", e.Target, reason)
	}
	if !e.Target.TLS && (reason == "EOF" || strings.Contains(reason, "connection reset by peer")) {
		// A TLS-only server drops a plain client without a word.
		return fmt.Sprintf("Redis at %s closed the connection (%s): if it speaks TLS only, use rediss:// (and REDIS_CA_FILE)", e.Target, reason)
	}
	return fmt.Sprintf("cannot reach Redis at %s (%s): start one with `go run ./scripts/redis` or `redis-server`, or set REDIS_URL", e.Target, reason)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// IsAuthError reports whether the server refused the credentials.
func IsAuthError(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "WRONGPASS") || strings.HasPrefix(msg, "NOAUTH") ||
		strings.Contains(msg, "invalid password") || strings.Contains(msg, "invalid username-password")
}

// Connect reads the environment, builds a client and checks with PING, within
// a few seconds, that the server answers, and that it is as new as each need
// says (Redis62, Redis70). When the one address in REDIS_URL is a node of a
// Redis Cluster, it returns a cluster client seeded with it. On failure the
// error is an *UnreachableError, a *TooOldError (or a configuration error),
// fit to print as is.
func Connect(ctx context.Context, getenv func(string) string, needs ...Need) (redis.UniversalClient, Target, error) {
	t, err := FromEnv(getenv)
	if err != nil {
		return nil, t, err
	}
	client, err := NewClient(t)
	if err != nil {
		return nil, t, err
	}
	pingCtx, cancel := context.WithTimeout(ctx, 2*dialTimeout)
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		client.Close()
		if errors.Is(err, context.DeadlineExceeded) {
			err = errors.New("no answer within " + (2 * dialTimeout).String())
		}
		return nil, t, &UnreachableError{Target: t, Err: err}
	}
	for _, need := range needs {
		if err := CheckVersion(pingCtx, client, t, need); err != nil {
			client.Close()
			return nil, t, err
		}
	}
	if !t.Cluster() && isClusterNode(pingCtx, client) {
		client.Close()
		cluster, seeded, err := seededCluster(t)
		if err != nil {
			return nil, t, err
		}
		if err := ping(pingCtx, cluster); err != nil {
			cluster.Close()
			return nil, t, &UnreachableError{Target: seeded, Err: err}
		}
		return cluster, seeded, nil
	}
	return client, t, nil
}

// debugLogger sends go-redis's own log lines (a failed dial, retried on every
// try) to slog at debug level. The programs report an outage once themselves;
// the library repeating it on every retry would bury that line.
type debugLogger struct{}

func (debugLogger) Printf(ctx context.Context, format string, v ...any) {
	slog.DebugContext(ctx, "go-redis: "+fmt.Sprintf(format, v...))
}

func init() { redis.SetLogger(debugLogger{}) }
