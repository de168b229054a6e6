package testkit

import (
	"errors"
	"os"
	"strconv"
	"testing"

	"github.com/streams-workshop/kit/lang"
)

// FullEnv names the variable that turns on the full suite: the fault
// scenarios (Redis down, frozen, full or restarted), production settings,
// cluster, whole-system runs, the demo and the copies of each stage. Teachers
// and CI set it (.ci/run does); without it `go test ./...` in a stage checks
// the lesson, the service and the exercises, in seconds. docs/teaching.md
// gives the cost of each command.
const FullEnv = "WORKSHOP_FULL_TESTS"

// Full reports whether the full suite runs: WORKSHOP_FULL_TESTS=1 (or true),
// and not -short, which always leaves the slow tests out.
func Full() bool {
	if testing.Short() {
		return false
	}
	on, _ := strconv.ParseBool(os.Getenv(FullEnv))
	return on
}

// Slow skips t unless Full. why says what the test is, as in "a fault
// scenario". Under CI=true a skip would hide a test that CI must run, so it
// fails instead.
func Slow(t testing.TB, why string) {
	t.Helper()
	if err := ciWantsFull(); err != nil {
		t.Fatal(err)
	}
	if !Full() {
		t.Skip(SlowSkip(why))
	}
}

// SlowSkip is the message of a slow test that did not run.
func SlowSkip(why string) string {
	return lang.Pick(why+": full suite only, "+FullEnv+"=1 (teachers and CI)",
		why+": 전체 테스트에서만, "+FullEnv+"=1 (강사와 CI)")
}

// ciWantsFull fails when CI=true and the full suite is off.
func ciWantsFull() error {
	if os.Getenv("CI") == "true" && !Full() {
		return errors.New("CI=true, but " + FullEnv + " is not 1 (or -short is on): CI runs the full suite; see .ci/run")
	}
	return nil
}
