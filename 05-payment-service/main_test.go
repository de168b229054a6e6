package main

import (
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/streams-workshop/kit/testkit"
)

// TestMain lets the scripts run this service as the command `payment-service`.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"payment-service": main})
}

func TestScripts(t *testing.T) {
	testkit.Run(t, testscript.Params{})
}

// -h says the same in Korean as in English: the same variables at the same
// columns, with the same defaults and bounds.
func TestHelpInTwoLanguages(t *testing.T) {
	english, korean := help()
	testkit.HelpTwins(t, english, korean)
}
