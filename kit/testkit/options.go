package testkit

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/streams-workshop/kit/acl"
)

// Options change how a test's server starts. The zero value is a plain,
// open server.
type Options struct {
	// Password is required from the default user (requirepass).
	Password string
	// Users adds the services' users from kit/acl/users.acl, each with
	// the password UserPassword(name), and gives the default user the
	// password AdminPassword (or Password, when set), so that it is no way
	// around the rules. Real mode only: miniredis has no ACL rules.
	Users bool
	// TLS serves TLS only, with a certificate for 127.0.0.1 signed by a CA
	// that the kit makes; CAFile names that CA's certificate.
	TLS bool
	// Cluster starts a Redis Cluster of three masters instead of one server.
	// Real mode only.
	Cluster bool
}

// AdminPassword is the default user's password when Options.Users is set:
// the kit's own commands use it.
const AdminPassword = "kit-admin-Pw"

// UserPassword is the test password of an ACL user. It is made to be easy to
// find in a program's output, where it must never appear.
func UserPassword(user string) string { return "kit-" + user + "-Pw" }

// adminPassword is the default user's password, or "".
func (o Options) adminPassword() string {
	if o.Users && o.Password == "" {
		return AdminPassword
	}
	return o.Password
}

func (o Options) check(mode string) error {
	if mode == "embedded" && o.Users {
		return errors.New("ACL users need a real redis-server (REDIS_TEST=real): miniredis has no ACL rules")
	}
	if mode == "embedded" && o.Cluster {
		return errors.New("a cluster needs real redis-server binaries (REDIS_TEST=real)")
	}
	if o.Cluster && o.TLS {
		return errors.New("the kit does not start a TLS cluster")
	}
	return nil
}

// parseOptions reads the flags of `server start|restart`.
func parseOptions(args []string) (Options, error) {
	var o Options
	flags := flag.NewFlagSet("server", flag.ContinueOnError)
	flags.SetOutput(new(strings.Builder))
	flags.StringVar(&o.Password, "password", "", "requirepass")
	flags.BoolVar(&o.Users, "users", false, "the services' ACL users")
	flags.BoolVar(&o.TLS, "tls", false, "TLS only")
	flags.BoolVar(&o.Cluster, "cluster", false, "a cluster of three masters")
	if err := flags.Parse(args); err != nil || flags.NArg() > 0 {
		return o, errors.New("usage: server start|restart [-password P] [-users] [-tls] [-cluster]")
	}
	return o, nil
}

// URL is the REDIS_URL for the server as the given user ("" for the default
// user), with the password that user has.
func (s *Server) URL(user string) string { return s.urlFor(user, s.Addr()) }

// urlFor is URL for the given host:port, or list of them.
func (s *Server) urlFor(user, hosts string) string {
	scheme := "redis"
	if s.opts.TLS {
		scheme = "rediss"
	}
	var userinfo *url.Userinfo
	switch {
	case user != "":
		userinfo = url.UserPassword(user, UserPassword(user))
	case s.opts.adminPassword() != "":
		userinfo = url.UserPassword("", s.opts.adminPassword())
	}
	if userinfo == nil && scheme == "redis" {
		return hosts // the plain form, as a learner types it
	}
	u := url.URL{Scheme: scheme, User: userinfo, Host: hosts}
	return u.String()
}

// CAFile is the CA certificate that signed a TLS server's certificate, or "".
func (s *Server) CAFile() string {
	if !s.opts.TLS {
		return ""
	}
	return filepath.Join(s.tlsDir(), "ca.pem")
}

func (s *Server) tlsDir() string { return filepath.Join(s.dir, "tls") }

// Env returns the variables a script sees for the server: REDIS_URL (the
// default user), REDIS_ADDR (host:port, or the list of a cluster's),
// REDIS_CA_FILE, REDIS_PIDFILE (a real server's pid file, else ""), with
// Users, REDIS_URL_<USER> for each ACL user (REDIS_URL_ORDER_SERVICE, say),
// and for a cluster REDIS_URL_ONE_NODE, its first node alone (as a managed
// cluster's single endpoint).
func (s *Server) Env() map[string]string {
	env := map[string]string{"REDIS_URL": s.URL(""), "REDIS_ADDR": s.Addr(), "REDIS_CA_FILE": s.CAFile(), "REDIS_PIDFILE": "", "REDIS_URL_ONE_NODE": ""}
	if s.proc != nil {
		env["REDIS_PIDFILE"] = s.pidFile()
	}
	if s.cluster != nil {
		env["REDIS_URL_ONE_NODE"] = s.urlFor("", s.cluster.Addrs()[0])
	}
	if s.opts.Users {
		for _, u := range acl.Users() {
			env["REDIS_URL_"+acl.EnvName(u.Name)] = s.URL(u.Name)
		}
	}
	return env
}

// tlsConfig is the configuration clients of a TLS server use: they trust
// the kit's CA.
func (s *Server) tlsConfig() (*tls.Config, error) {
	if !s.opts.TLS {
		return nil, nil
	}
	pem, err := os.ReadFile(s.CAFile())
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}

// serverTLSConfig is the configuration of an embedded TLS server.
func (s *Server) serverTLSConfig() (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(filepath.Join(s.tlsDir(), "server.pem"), filepath.Join(s.tlsDir(), "server-key.pem"))
	if err != nil {
		return nil, err
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// MakeCerts writes to dir a CA (ca.pem) and a server certificate signed by it
// (server.pem, server-key.pem) for 127.0.0.1 and localhost, valid for a day.
// The IP SAN matters: a client dialing 127.0.0.1 checks the certificate
// against that IP, not against a host name.
func MakeCerts(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	now := time.Now()
	ca := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "streams-workshop test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost"},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	for name, block := range map[string]*pem.Block{
		"ca.pem":         {Type: "CERTIFICATE", Bytes: caDER},
		"server.pem":     {Type: "CERTIFICATE", Bytes: leafDER},
		"server-key.pem": {Type: "PRIVATE KEY", Bytes: keyDER},
	} {
		if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(block), 0o600); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}
