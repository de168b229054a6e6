package consumer

import (
	"strings"
	"testing"
)

func TestDefaultName(t *testing.T) {
	host := func(h string) func(string) string {
		return func(k string) string {
			if k == "HOSTNAME" {
				return h
			}
			return ""
		}
	}
	a := DefaultName(host("payment-7d9f8-x2x9k"), "8081")
	if a != "payment-7d9f8-x2x9k:8081" {
		t.Errorf("name = %q", a)
	}
	if again := DefaultName(host("payment-7d9f8-x2x9k"), "8081"); again != a {
		t.Errorf("not stable: %q then %q", a, again)
	}
	if b := DefaultName(host("payment-7d9f8-q8w2z"), "8081"); b == a {
		t.Errorf("two hosts share the name %q", a)
	}
	if b := DefaultName(host("payment-7d9f8-x2x9k"), "8083"); b == a {
		t.Errorf("two instances on one host share the name %q", a)
	}
	if got := DefaultName(host("evil host\x1b[31m\n"), "1"); got != "evil-host--31m-:1" {
		t.Errorf("unsafe host name kept: %q", got)
	}
	if got := DefaultName(host(strings.Repeat("h", 300)), "1"); len(got) > 70 {
		t.Errorf("long host name kept: %d bytes", len(got))
	}
	if got := DefaultName(func(string) string { return "" }, "1"); got == ":1" {
		t.Errorf("no host name: %q", got)
	}
}
