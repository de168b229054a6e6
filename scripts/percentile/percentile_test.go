package percentile

import (
	"testing"
	"time"
)

func TestOf(t *testing.T) {
	xs := []float64{7, 1, 5, 3, 9, 2, 8, 4, 6, 10} // 1..10, unsorted
	for _, tt := range []struct {
		q    float64
		want float64
	}{
		{0.01, 1}, {0.10, 1}, {0.11, 2}, {0.50, 5}, {0.51, 6}, {0.99, 10}, {1, 10},
	} {
		if got := Of(xs, tt.q); got != tt.want {
			t.Errorf("Of(1..10, %v) = %v, want %v", tt.q, got, tt.want)
		}
	}
	if xs[0] != 7 {
		t.Error("Of sorted its argument")
	}
	if got := Of([]float64{4, 2, 9}, 0.5); got != 4 {
		t.Errorf("median of 4 2 9 = %v, want 4", got)
	}
	if got := Of([]time.Duration(nil), 0.99); got != 0 {
		t.Errorf("Of(nothing) = %v, want 0", got)
	}
	type latencies []time.Duration
	if got := Of(latencies{3 * time.Millisecond, time.Millisecond}, 1); got != 3*time.Millisecond {
		t.Errorf("max = %v, want 3ms", got)
	}
}
