package main

import (
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/streams-workshop/kit/testkit"
)

// TestMain lets the scripts run the command as `cluster`.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"cluster": main})
}

func TestScripts(t *testing.T) {
	testkit.Slow(t, "a Redis Cluster of six servers")
	testkit.Run(t, testscript.Params{})
}
