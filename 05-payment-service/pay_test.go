package main

import (
	"strings"
	"testing"
)

func TestDedupeMode(t *testing.T) {
	for _, tc := range []struct {
		env     string
		cluster bool
		want    DedupeMode
		err     string
	}{
		{"", false, DedupeAck, ""},
		{"", true, DedupeMarker, ""},
		{"marker", false, DedupeMarker, ""},
		{"marker", true, DedupeMarker, ""},
		{"ack", false, DedupeAck, ""},
		{"ack", true, "", "PAYMENT_DEDUPE=ack cannot work on a Redis Cluster"},
		{"maybe", false, "", `PAYMENT_DEDUPE="maybe": want ack or marker`},
	} {
		got, err := dedupeMode(tc.env, tc.cluster)
		if got != tc.want || (err == nil) != (tc.err == "") || (err != nil && !strings.HasPrefix(err.Error(), tc.err)) {
			t.Errorf("dedupeMode(%q, cluster=%v) = %q, %v; want %q, %q", tc.env, tc.cluster, got, err, tc.want, tc.err)
		}
	}
}
