package events

import (
	"testing"
	"time"
)

func TestCompareIDs(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"9-0", "10-0", -1}, // not as strings
		{"10-0", "9-0", 1},
		{"5-2", "5-10", -1},
		{"5-10", "5-10", 0},
		{"1795579163720-0", "1795579163720-1", -1},
	} {
		if got := CompareIDs(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareIDs(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestIDTime(t *testing.T) {
	got := IDTime("1795579163720-3")
	if want := time.UnixMilli(1795579163720); !got.Equal(want) {
		t.Errorf("IDTime = %v, want %v", got, want)
	}
}
