package main

import (
	"slices"
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

func TestNumberInTurn(t *testing.T) {
	for _, tc := range []struct {
		reply []int64
		want  []int64
		err   bool
	}{
		{[]int64{41}, []int64{42, 43, 44}, false},
		{[]int64{41, 2}, []int64{42, 0, 43}, false},
		{[]int64{0, 1, 2, 3}, []int64{0, 0, 0}, false},
		{[]int64{}, nil, true},
		{[]int64{41, 4}, nil, true},
		{[]int64{41, 3, 2}, nil, true},
	} {
		got, err := numberInTurn(tc.reply, 3)
		if (err != nil) != tc.err || !slices.Equal(got, tc.want) {
			t.Errorf("numberInTurn(%v, 3) = %v, %v; want %v (error %v)", tc.reply, got, err, tc.want, tc.err)
		}
	}
}
