package main

import (
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/streams-workshop/kit/testkit"
)

// TestMain lets the scripts run this program as the command `embedded-redis`.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"embedded-redis": main})
}

// TestScripts runs testdata/script. The kit's own test Redis ($REDIS_URL)
// plays a Redis that is already there.
func TestScripts(t *testing.T) {
	testkit.Run(t, testscript.Params{})
}
