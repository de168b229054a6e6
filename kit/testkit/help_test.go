package testkit

import (
	"strings"
	"testing"
)

func TestHelpTwinProblems(t *testing.T) {
	const english = "Reads a stream.\n\nEnvironment:\n" +
		"  PORT            HTTP port for /healthz and /metrics\n" +
		"                  (default 8081)\n" +
		"  A_LONG_VARIABLE_NAME  what it does, at greater length than\n" +
		"                  one line (default 5)\n" +
		"  TTL             how long (default 24h)"
	for _, tc := range []struct{ name, korean, want string }{
		{"twin", "stream을 읽는다.\n\n환경 변수:\n" +
			"  PORT            /healthz와 /metrics용 HTTP 포트(기본값 8081)\n" +
			"  A_LONG_VARIABLE_NAME  하는 일(기본값 5)\n" +
			"  TTL             얼마나 오래\n" +
			"                  (기본값 24h)", ""},
		{"a number differs", "환경 변수:\n" +
			"  PORT            HTTP 포트(기본값 8081)\n" +
			"  A_LONG_VARIABLE_NAME  하는 일(기본값 6)\n" +
			"  TTL             얼마나 오래(기본값 24h)", "numbers differ"},
		{"an entry is missing", "환경 변수:\n" +
			"  PORT            HTTP 포트(기본값 8081)\n" +
			"  TTL             얼마나 오래(기본값 24h, 5)", "entries differ"},
		{"a column differs", "환경 변수:\n" +
			"  PORT          HTTP 포트(기본값 8081)\n" +
			"  A_LONG_VARIABLE_NAME  하는 일(기본값 5)\n" +
			"  TTL             얼마나 오래(기본값 24h)", "PORT: the description starts at column 16 in Korean, 18 in English"},
		{"a wrapped line is misaligned", "환경 변수:\n" +
			"  PORT            HTTP 포트(기본값 8081)\n" +
			"  A_LONG_VARIABLE_NAME  하는 일\n" +
			"                        (기본값 5)\n" +
			"  TTL             얼마나 오래(기본값 24h)", "A_LONG_VARIABLE_NAME: a wrapped line indented 24"},
		{"a bad verb", "환경 변수:\n" +
			"  PORT            HTTP 포트(기본값 8081)\n" +
			"  A_LONG_VARIABLE_NAME  하는 일(기본값 5)\n" +
			"  TTL             얼마나 오래(기본값 24h)%!(EXTRA int=1)", "bad format verb"},
		{"not Korean", english, "no Hangul"},
	} {
		problems := strings.Join(helpTwinProblems(english, tc.korean), "\n")
		if tc.want == "" && problems != "" || !strings.Contains(problems, tc.want) {
			t.Errorf("%s: problems %q, want %q", tc.name, problems, tc.want)
		}
	}
}
