package testkit

import (
	"fmt"
	"strings"
	"testing"
)

// fakeTB records what Slow does with a test.
type fakeTB struct {
	testing.TB
	skipped, failed string
}

func (f *fakeTB) Helper()               {}
func (f *fakeTB) Skip(args ...any)      { f.skipped = fmt.Sprint(args...) }
func (f *fakeTB) Fatal(args ...any)     { f.failed = fmt.Sprint(args...) }
func (f *fakeTB) Fatalf(string, ...any) { panic("unused") }

func TestSlow(t *testing.T) {
	if testing.Short() {
		t.Skip("-short turns the full suite off: nothing to compare")
	}
	for _, tc := range []struct {
		full, ci   string
		skip, fail bool
	}{
		{full: "", ci: "", skip: true},
		{full: "0", ci: "", skip: true},
		{full: "1", ci: "", skip: false},
		{full: "true", ci: "", skip: false},
		{full: "1", ci: "true", skip: false},
		{full: "", ci: "true", skip: true, fail: true},
	} {
		t.Setenv(FullEnv, tc.full)
		t.Setenv("CI", tc.ci)
		f := &fakeTB{}
		Slow(f, "a fault scenario")
		if (f.skipped != "") != tc.skip || (f.failed != "") != tc.fail {
			t.Errorf("%s=%q CI=%q: skipped %q, failed %q", FullEnv, tc.full, tc.ci, f.skipped, f.failed)
		}
		if tc.skip && !strings.Contains(f.skipped, "a fault scenario") || tc.fail && !strings.Contains(f.failed, ".ci/run") {
			t.Errorf("%s=%q CI=%q: skipped %q, failed %q", FullEnv, tc.full, tc.ci, f.skipped, f.failed)
		}
	}
}
