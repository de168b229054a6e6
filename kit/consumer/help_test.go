package consumer_test

import (
	"strings"
	"testing"

	"github.com/streams-workshop/kit/consumer"
	"github.com/streams-workshop/kit/testkit"
)

// The environment block that payment-service and notification-service print
// in their -h is one block in two languages, LOG_FORMAT and LOG_LEVEL
// and the OTEL_* variables included, with the same values in both.
func TestEnvHelpInTwoLanguages(t *testing.T) {
	english, korean := consumer.EnvHelp("8081")
	testkit.HelpTwins(t, english, korean)
	for _, tc := range []struct {
		language, help string
		want           []string
	}{
		{"English", english, []string{
			"  CLAIM_MIN_IDLE  how long an entry sits unacked before another instance takes\n" +
				"                  it over with XAUTOCLAIM, a Go duration, at least 1s (default 30s)\n",
			"myhost:8081",
			"  LOG_LEVEL       debug, info (the default), warn or error",
			"  OTEL_TRACES_EXPORTER  tracing: otlp, console",
		}},
		{"Korean", korean, []string{
			"  CLAIM_MIN_IDLE  ack되지 않은 엔트리를 다른 인스턴스가 XAUTOCLAIM으로 넘겨받기까지\n" +
				"                  걸리는 시간, Go duration, 적어도 1s(기본값 30s)\n",
			"myhost:8081",
			"  LOG_LEVEL       debug, info(기본값), warn, error 중 하나",
			"  OTEL_TRACES_EXPORTER  트레이싱: otlp, console",
		}},
	} {
		for _, want := range tc.want {
			if !strings.Contains(tc.help, want) {
				t.Errorf("the %s help lacks %q:\n%s", tc.language, want, tc.help)
			}
		}
	}
}
