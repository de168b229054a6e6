package main

import (
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/streams-workshop/kit/httpserve"
	"github.com/streams-workshop/kit/testkit"
)

// TestMain lets the scripts run the service as the command `order-service`.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"order-service": main})
}

func TestScripts(t *testing.T) {
	testkit.Run(t, testscript.Params{
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"bigbody": cmdBigBody,
		},
	})
}

// cmdBigBody sets the variable NAME to a well-formed order one byte over the
// body limit, as a script cannot spell out 64 KiB: bigbody NAME.
func cmdBigBody(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 || neg {
		ts.Fatalf("usage: bigbody NAME")
	}
	const frame = `{"userId":"","productId":"p1","price":"1"}`
	userID := strings.Repeat("u", httpserve.MaxBodyBytes+1-len(frame))
	ts.Setenv(args[0], `{"userId":"`+userID+`","productId":"p1","price":"1"}`)
}

// -h says the same in Korean as in English: the same variables at the same
// columns, with the same defaults and bounds.
func TestHelpInTwoLanguages(t *testing.T) {
	english, korean := help()
	testkit.HelpTwins(t, english, korean)
}
