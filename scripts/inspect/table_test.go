package main

import (
	"strings"
	"testing"
	"time"

	"github.com/streams-workshop/kit/lang"
)

// The table in both languages, from a known state: the Korean one lines up
// in a terminal, where a Hangul syllable takes two columns.
func TestTableInTwoLanguages(t *testing.T) {
	defer lang.Set(lang.Current())
	n := func(v int64) *int64 { return &v }
	streams := []streamState{
		{Name: "order-events", Exists: true, Length: 51, FirstID: "1700000000000-0", LastID: "1700000000050-0",
			Groups: []groupState{{
				Name: "payment-service-group", Pending: 2, LastDeliveredID: "1700000000049-0",
				EntriesRead: n(303), Lag: n(1), Trimmed: n(254),
				Consumers: []consumerState{
					{Name: "payment-service-instance-2", Pending: 2, IdleMs: n(65_000)},
					{Name: "vm:8081", Pending: 0, IdleMs: n(4_700)},
				},
			}}},
		{Name: "payment-events", Type: "string", Problem: "payment-events is a string"},
	}
	now := time.Date(2026, 12, 6, 7, 4, 55, 0, time.UTC)
	for _, tc := range []struct{ lang, want string }{
		{"en", `Redis at 127.0.0.1:6379 (embedded Redis (miniredis)), 07:04:55

STREAM          LENGTH  FIRST ID         LAST ID
order-events        51  1700000000000-0  1700000000050-0
payment-events    none  -                -

STREAM        GROUP                  CONSUMERS  PENDING  LAST DELIVERED   ENTRIES READ  LAG
order-events  payment-service-group          2        2  1700000000049-0           303    1
order-events, group payment-service-group: 254 entries trimmed before the group read them (never delivered, not counted in LAG)

STREAM        GROUP                  CONSUMER                    PENDING  IDLE
order-events  payment-service-group  payment-service-instance-2        2  1m5s
order-events  payment-service-group  vm:8081                           0  4.7s

payment-events is a string, not a stream: the services cannot use it
`},
		{"ko", `Redis 127.0.0.1:6379 (내장 Redis(miniredis)), 07:04:55

스트림          길이  첫 ID            마지막 ID
order-events      51  1700000000000-0  1700000000050-0
payment-events  없음  -                -

스트림        그룹                   consumer 수  pending  마지막 전달 ID   읽은 엔트리  lag
order-events  payment-service-group            2        2  1700000000049-0          303    1
order-events, 그룹 payment-service-group: 엔트리 254개가 그룹이 읽기 전에 잘려 나갔다(전달되지 않았고, lag에 넣지 않았다)

스트림        그룹                   consumer                    pending     idle
order-events  payment-service-group  payment-service-instance-2        2  1분 5초
order-events  payment-service-group  vm:8081                           0    4.7초

payment-events: 스트림이 아니다(타입 string). 서비스가 쓸 수 없다
`},
	} {
		if err := lang.Set(tc.lang); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		writeState(&b, "127.0.0.1:6379", server{}, streams, now)
		if got := b.String(); got != tc.want {
			t.Errorf("%s:\n%s\nwant\n%s", tc.lang, got, tc.want)
		}
	}
}

func TestWidth(t *testing.T) {
	for s, want := range map[string]int{"": 0, "LAG": 3, "스트림": 6, "첫 ID": 5, "consumer 수": 11, "4.7초": 5} {
		if got := width(s); got != want {
			t.Errorf("width(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestDuration(t *testing.T) {
	defer lang.Set(lang.Current())
	for _, tc := range []struct {
		d      time.Duration
		en, ko string
	}{
		{850 * time.Millisecond, "850ms", "850ms"},
		{4700 * time.Millisecond, "4.7s", "4.7초"},
		{65 * time.Second, "1m5s", "1분 5초"},
		{time.Hour + 2*time.Minute + 3*time.Second, "1h2m3s", "1시간 2분 3초"},
	} {
		lang.Set("en")
		if got := duration(tc.d); got != tc.en {
			t.Errorf("en %v: %q, want %q", tc.d, got, tc.en)
		}
		lang.Set("ko")
		if got := duration(tc.d); got != tc.ko {
			t.Errorf("ko %v: %q, want %q", tc.d, got, tc.ko)
		}
	}
}
