package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func vars(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoggerJSON(t *testing.T) {
	var out bytes.Buffer
	log, err := Logger(&out, "payment-service", vars(map[string]string{"LOG_FORMAT": "json", "LOG_LEVEL": "warn"}))
	if err != nil {
		t.Fatal(err)
	}
	log.Info("dropped below warn")
	log.Warn("first", "n", 1, "claimMinIdle", 30*time.Second)
	log.Error("second", "err", "boom\nwith a newline")
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines (info dropped), got %d:\n%s", len(lines), out.String())
	}
	for _, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("not one JSON object per line: %v\n%s", err, line)
		}
		if rec["service"] != "payment-service" {
			t.Errorf("service = %v, want payment-service: %s", rec["service"], line)
		}
	}
	if !strings.Contains(lines[0], `"claimMinIdle":"30s"`) {
		t.Errorf("a duration reads as in the text format, \"30s\": %s", lines[0])
	}
}

func TestLoggerText(t *testing.T) {
	var out bytes.Buffer
	log, err := Logger(&out, "order-service", vars(nil))
	if err != nil {
		t.Fatal(err)
	}
	log.Debug("hidden at the default level")
	log.Info("hello")
	if got := out.String(); !strings.Contains(got, "level=INFO msg=hello service=order-service\n") || strings.Contains(got, "hidden") {
		t.Errorf("text log: %q", got)
	}
}

func TestLoggerRefusesUnknownValues(t *testing.T) {
	for _, m := range []map[string]string{{"LOG_FORMAT": "xml"}, {"LOG_LEVEL": "verbose"}, {"LOG_FORMAT": "JSON "}} {
		if _, err := Logger(&bytes.Buffer{}, "s", vars(m)); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: err = %v, want one line", m, err)
		}
	}
}

func TestLoggerValuesInAnyCase(t *testing.T) {
	var out bytes.Buffer
	log, err := Logger(&out, "s", vars(map[string]string{"LOG_FORMAT": "JSON", "LOG_LEVEL": "WARN"}))
	if err != nil {
		t.Fatal(err)
	}
	log.Warn("w")
	if !json.Valid(out.Bytes()) {
		t.Errorf("LOG_FORMAT=JSON: %q is not JSON", out.String())
	}
}

func TestFatalErrorAsJSON(t *testing.T) {
	var out bytes.Buffer
	printFatal(&out, "payment-service", errors.New("cannot reach Redis at 127.0.0.1:1"), vars(map[string]string{"LOG_FORMAT": "Json"}))
	var rec map[string]any
	if err := json.Unmarshal(out.Bytes(), &rec); err != nil || rec["level"] != "ERROR" || rec["service"] != "payment-service" ||
		rec["msg"] != "cannot reach Redis at 127.0.0.1:1" {
		t.Errorf("fatal error with LOG_FORMAT=json: %q (%v)", out.String(), err)
	}
	out.Reset()
	printFatal(&out, "payment-service", errors.New("boom"), vars(nil))
	if out.String() != "payment-service: boom\n" {
		t.Errorf("fatal error in text: %q", out.String())
	}
}
