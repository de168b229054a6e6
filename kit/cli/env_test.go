package cli

import (
	"encoding/json"
	"io"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

func env(name, value string) func(string) string {
	return func(key string) string {
		if key == name {
			return value
		}
		return ""
	}
}

func TestPort(t *testing.T) {
	for _, tt := range []struct{ value, want, err string }{
		{"", "8081", ""},
		{"0", "0", ""},
		{"65535", "65535", ""},
		{"65536", "", `PORT="65536": want a port number from 0 to 65535`},
		{":8080", "", `PORT=":8080": want a port number from 0 to 65535`},
		{"http", "", `PORT="http": want a port number from 0 to 65535`},
	} {
		got, err := Port(env("PORT", tt.value), "PORT", "8081")
		if got != tt.want || errText(err) != tt.err {
			t.Errorf("PORT=%q: got %q, %q; want %q, %q", tt.value, got, errText(err), tt.want, tt.err)
		}
	}
}

func TestPositiveInt(t *testing.T) {
	for _, tt := range []struct {
		value string
		want  int64
		err   string
	}{
		{"", 300, ""},
		{"1", 1, ""},
		{"0", 0, `BATCH_SIZE="0": want a whole number, at least 1`},
		{"-5", 0, `BATCH_SIZE="-5": want a whole number, at least 1`},
		{"1M", 0, `BATCH_SIZE="1M": want a whole number, at least 1`},
	} {
		got, err := PositiveInt(env("BATCH_SIZE", tt.value), "BATCH_SIZE", 300)
		if got != tt.want || errText(err) != tt.err {
			t.Errorf("BATCH_SIZE=%q: got %d, %q; want %d, %q", tt.value, got, errText(err), tt.want, tt.err)
		}
	}
}

func TestDuration(t *testing.T) {
	for _, tt := range []struct {
		name, value      string
		def, least, most time.Duration
		want             time.Duration
		err              string
	}{
		{"RECORD_TTL", "", 168 * time.Hour, time.Second, 0, 168 * time.Hour, ""},
		{"RECORD_TTL", "1h30m", 168 * time.Hour, time.Second, 0, 90 * time.Minute, ""},
		{"RECORD_TTL", "500ms", 168 * time.Hour, time.Second, 0, 0, `RECORD_TTL="500ms": want a Go duration of at least 1s, such as 168h`},
		{"RECORD_TTL", "24", 168 * time.Hour, time.Second, 0, 0, `RECORD_TTL="24": want a Go duration of at least 1s, such as 168h`},
		{"PAYMENT_DELAY", "0", 0, 0, 15 * time.Second, 0, ""},
		{"PAYMENT_DELAY", "15s", 0, 0, 15 * time.Second, 15 * time.Second, ""},
		{"PAYMENT_DELAY", "1h", 0, 0, 15 * time.Second, 0, `PAYMENT_DELAY="1h": want a Go duration from 0s to 15s, such as 1s`},
		{"CLAIM_MIN_IDLE", "soon", 30 * time.Second, time.Millisecond, 0, 0, `CLAIM_MIN_IDLE="soon": want a Go duration of at least 1ms, such as 30s`},
	} {
		got, err := Duration(env(tt.name, tt.value), tt.name, tt.def, tt.least, tt.most)
		if got != tt.want || errText(err) != tt.err {
			t.Errorf("%s=%q: got %s, %q; want %s, %q", tt.name, tt.value, got, errText(err), tt.want, tt.err)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", time.Millisecond: "1ms", 30 * time.Second: "30s", 90 * time.Second: "1m30s",
		time.Minute: "1m", 24 * time.Hour: "24h", 150 * time.Minute: "2h30m", time.Hour + time.Second: "1h0m1s",
	} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestGCPercent(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	GCPercent(func(string) string { return "" }, 400)
	if got := debug.SetGCPercent(100); got != 400 {
		t.Errorf("GOGC unset: the target is %d, want 400", got)
	}
	GCPercent(env("GOGC", "50"), 400)
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC=50 set: GCPercent changed the target to %d; the runtime's own reading of GOGC must stand", got)
	}
}

func TestEventLines(t *testing.T) {
	var text, js strings.Builder
	EventLines(&text, "payment-service", vars(nil)).PrintEvent("[Order consumed] Created payment: 7   orderId: o1",
		"[Order consumed] Created payment", "paymentProcessId", 7, "orderId", "o1")
	if text.String() != "[Order consumed] Created payment: 7   orderId: o1\n" {
		t.Errorf("text mode: %q, want the seed's line as it is", text.String())
	}
	EventLines(&js, "payment-service", vars(map[string]string{"LOG_FORMAT": "JSON"})).PrintEvent("ignored",
		"[Order consumed] Created payment", "paymentProcessId", 7, "orderId", "o1\n")
	var rec map[string]any
	if err := json.Unmarshal([]byte(js.String()), &rec); err != nil || strings.Count(js.String(), "\n") != 1 {
		t.Fatalf("JSON mode: %q is not one JSON object on one line (%v)", js.String(), err)
	}
	if rec["msg"] != "[Order consumed] Created payment" || rec["paymentProcessId"] != 7.0 || rec["orderId"] != "o1\n" ||
		rec["service"] != "payment-service" || rec["level"] != "INFO" {
		t.Errorf("JSON mode: %v", rec)
	}
}

// TestTracedEventLines: with LOG_FORMAT=json, an event in a trace carries its
// trace ID; without a traceparent, or in text mode, the line is Event's.
func TestTracedEventLines(t *testing.T) {
	const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	js := EventLines(io.Discard, "payment-service", vars(map[string]string{"LOG_FORMAT": "json"}))
	var rec map[string]any
	if err := json.Unmarshal([]byte(js.TracedEvent(traceparent, "ignored", "paid", "orderId", "o1")), &rec); err != nil ||
		rec["trace_id"] != "4bf92f3577b34da6a3ce929d0e0e4736" || rec["orderId"] != "o1" {
		t.Errorf("JSON with a traceparent: %v (%v), want trace_id", rec, err)
	}
	if got := js.TracedEvent("", "ignored", "paid", "orderId", "o1"); strings.Contains(got, "trace_id") {
		t.Errorf("JSON without a traceparent: %s, want no trace_id", got)
	}
	text := EventLines(io.Discard, "payment-service", vars(nil))
	if got := text.TracedEvent(traceparent, "the seed's line", "paid", "orderId", "o1"); got != "the seed's line" {
		t.Errorf("text mode: %q, want the seed's line", got)
	}
	if n := testing.AllocsPerRun(100, func() { text.TracedEvent("", "line", "paid", "orderId", "o1") }); n != 0 {
		t.Errorf("text mode: %v allocations, want 0", n)
	}
}
