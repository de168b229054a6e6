package cli

import (
	"bytes"
	"errors"
	"flag"
	"runtime"
	"strings"
	"testing"
)

func TestParseServiceVersion(t *testing.T) {
	var stdout, stderr bytes.Buffer
	flags := Flags("order-service", "order-service", "", &stderr)
	err := ParseService(flags, []string{"-version"}, &stdout)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("err = %v, want flag.ErrHelp (exit 0)", err)
	}
	fields := strings.Fields(stdout.String())
	if len(fields) != 3 || fields[0] != "order-service" || fields[2] != runtime.Version() {
		t.Errorf("-version printed %q, want order-service <version> %s", stdout.String(), runtime.Version())
	}
	if err := ParseService(Flags("s", "s", "", &stderr), nil, &stdout); err != nil {
		t.Errorf("no flags: %v", err)
	}
}
