package main

import (
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/streams-workshop/kit/testkit"
)

// TestMain lets the scripts run this program as the command `inspect`.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"inspect": main})
}

func TestScripts(t *testing.T) {
	testkit.Run(t, testscript.Params{})
}
