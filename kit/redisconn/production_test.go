package redisconn

import (
	"crypto/x509"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// A cluster written as a URL carries credentials and TLS, which a bare list
// of host:port cannot.
func TestParseClusterURL(t *testing.T) {
	tests := []struct {
		raw  string
		want Target
	}{
		{
			"redis://order-service:" + secret + "@127.0.0.1:7000,127.0.0.1:7001, 127.0.0.1:7002",
			Target{Addrs: []string{"127.0.0.1:7000", "127.0.0.1:7001", "127.0.0.1:7002"}, Username: "order-service", Password: secret},
		},
		{
			"rediss://:" + secret + "@a.example:7000,b.example:7001/0",
			Target{Addrs: []string{"a.example:7000", "b.example:7001"}, Password: secret, TLS: true},
		},
		{
			// A password may hold @ and , once percent-encoded.
			"redis://u:p%40ss%2Cw@h1:1,h2:2",
			Target{Addrs: []string{"h1:1", "h2:2"}, Username: "u", Password: "p@ss,w"},
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
		if !got.Cluster() || strings.Contains(got.String(), secret) {
			t.Errorf("Parse(%q): Cluster() = %v, String() = %q", tt.raw, got.Cluster(), got.String())
		}
	}
	for _, raw := range []string{
		"redis://u:" + secret + "@h1:1,h2",      // every node needs a port
		"redis://u:" + secret + "@h1:1,h2:2/3",  // a cluster has only db 0
		"http://u:" + secret + "@h1:1,h2:2",     // unknown scheme
		"redis://u:" + secret + "@h1:1,,h2:2",   // an empty node
		"redis://u:" + secret + "@h1:1,h2:2:99", // not host:port
	} {
		if got, err := Parse(raw); err == nil {
			t.Errorf("Parse(%q) = %+v, want an error", raw, got)
		} else if strings.Contains(err.Error(), secret) {
			t.Errorf("Parse(%q): the error shows the password: %q", raw, err)
		}
	}
}

// The TLS configuration leaves ServerName to the dialer, which takes it from
// each address: an IP host is then checked against the certificate's IP SANs,
// and each node of a cluster against its own name.
func TestTLSServerName(t *testing.T) {
	target, err := Parse("rediss://a.example:7000,b.example:7001")
	if err != nil {
		t.Fatal(err)
	}
	client, err := NewClient(target)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	cluster, ok := client.(*redis.ClusterClient)
	if !ok {
		t.Fatalf("NewClient gave a %T for a cluster", client)
	}
	if cfg := cluster.Options().TLSConfig; cfg == nil || cfg.ServerName != "" {
		t.Errorf("TLSConfig = %+v, want one without ServerName", cfg)
	}
}

// Failures after the connection is made say what to fix, not "start Redis".
func TestUnreachableRemedies(t *testing.T) {
	target, _ := Parse("rediss://svc:" + secret + "@127.0.0.1:6380")
	tests := []struct {
		err  error
		want string
	}{
		{errors.New("NOPERM this user has no permissions to run the 'ping' command"), "ACL rules"},
		{x509.UnknownAuthorityError{}, "REDIS_CA_FILE"},
		{x509.HostnameError{Certificate: &x509.Certificate{}, Host: "127.0.0.1"}, "REDIS_CA_FILE"},
		{errors.New("tls: first record does not look like a TLS handshake"), "redis://"},
	}
	plain, _ := Parse("redis://127.0.0.1:6380")
	if msg := (&UnreachableError{Target: plain, Err: errors.New("EOF")}).Error(); !strings.Contains(msg, "rediss://") {
		t.Errorf("EOF from a plain connection: got %q, want the rediss:// hint", msg)
	}
	for _, tt := range tests {
		msg := (&UnreachableError{Target: target, Err: tt.err}).Error()
		if !strings.Contains(msg, tt.want) || strings.Contains(msg, "go run ./scripts/redis") {
			t.Errorf("%v: got %q, want a remedy naming %s", tt.err, msg, tt.want)
		}
		if strings.Contains(msg, secret) || strings.Contains(msg, "\n") {
			t.Errorf("want one line without the password, got %q", msg)
		}
	}
}
