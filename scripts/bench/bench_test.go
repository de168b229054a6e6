package main

import (
	"bytes"
	"context"
	"os/exec"
	"regexp"
	"testing"

	"github.com/streams-workshop/kit/testkit"
)

// TestQuickBench is a smoke run: the whole bench at tiny sizes, on a server it
// starts in the test's Redis mode. It checks the report's form and sense,
// never the speed.
func TestQuickBench(t *testing.T) {
	testkit.Slow(t, "the benchmark at tiny sizes")
	mode, err := testkit.Mode()
	if err != nil {
		t.Fatal(err)
	}
	noEnv := func(string) string { return "" } // no REDIS_URL: never the developer's Redis
	var stdout, stderr bytes.Buffer
	// Two payment-service instances drain the backlog together.
	if err := run(context.Background(), []string{"-quick", "-instances", "2", "-server", mode}, noEnv, &stdout, &stderr); err != nil {
		t.Fatalf("bench: %v\nstderr:\n%s", err, &stderr)
	}
	out := stdout.String()
	for _, want := range []string{
		`(?m)^bench: drain_events_per_s=[1-9]\d*$`,
		`(?m)^bench: drain_service_cpu_us_per_order=\d+\.\d\d$`,
		`(?m)^drain \(events/s, 2 instances\) `,
		`(?m)^bench: produce_orders_per_s=[1-9]\d*$`,
		`(?m)^bench: e2e_p50_ms=\d+\.\d\d$`,
		`(?m)^bench: e2e_p99_ms=\d+\.\d\d$`,
		`(?m)^end to end at 100 orders/s .*\(100 orders\)$`,
	} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("report lacks %s:\n%s", want, out)
		}
	}
	if mode == "real" {
		// Against redis-server, memory and (with redis-benchmark) the ratios are real numbers.
		want := []string{`(?m)^bench: redis_used_memory_mb_2m=\d+\.\d$`, `(?m)^bench: drain_redis_cpu_us_per_order=\d+\.\d\d$`}
		if _, err := exec.LookPath("redis-benchmark"); err == nil {
			want = append(want, `(?m)^bench: drain_vs_xadd_p16=\d+\.\d{3}$`, `(?m)^bench: produce_vs_xadd=\d+\.\d{3}$`)
		}
		for _, w := range want {
			if !regexp.MustCompile(w).MatchString(out) {
				t.Errorf("report lacks %s:\n%s", w, out)
			}
		}
	} else if !regexp.MustCompile(`(?m)^bench: drain_vs_xadd_p16=n/a$`).MatchString(out) {
		t.Errorf("embedded figures must not be compared:\n%s", out)
	}
}

// TestQuickBenchAgainst compares this tree with HEAD, built from a git
// worktree that is removed afterwards: both trees' figures and their ratio.
func TestQuickBenchAgainst(t *testing.T) {
	testkit.Slow(t, "the benchmark of two trees at tiny sizes")
	if err := exec.Command("git", "rev-parse", "--verify", "HEAD").Run(); err != nil {
		t.Skip("not in a git repository with a commit: ", err)
	}
	mode, err := testkit.Mode()
	if err != nil {
		t.Fatal(err)
	}
	worktrees := func() string {
		out, _ := exec.Command("git", "worktree", "list", "--porcelain").Output()
		return string(out)
	}
	noEnv := func(string) string { return "" }
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"-quick", "-only", "e2e", "-against", "HEAD", "-server", mode}, noEnv, &stdout, &stderr); err != nil {
		t.Fatalf("bench: %v\nstderr:\n%s", err, &stderr)
	}
	out := stdout.String()
	for _, want := range []string{
		`(?m)^bench: against="[0-9a-f]{7,}"$`,
		`(?m)^bench: against_e2e_p99_ms=\d+\.\d\d$`,
		`(?m)^bench: e2e_p99_ms_vs_against=\d+\.\d{3}$`,
		`(?m)^end to end p99 at 100 orders/s \(ms\) `,
	} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("report lacks %s:\n%s", want, out)
		}
	}
	if w := worktrees(); regexp.MustCompile(`streams-bench-worktree-`).MatchString(w) {
		t.Errorf("the worktree of HEAD is still there:\n%s", w)
	}
}
