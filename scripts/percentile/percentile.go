// Package percentile is the one percentile the tools report: demo's p50 and
// p99, and bench's medians and end-to-end latencies.
package percentile

import (
	"cmp"
	"math"
	"slices"
)

// Of returns the nearest-rank q-th percentile of xs, 0 < q <= 1: the
// smallest value with at least q of all values at or below it. Of(xs, 0.5)
// is the median (the lower one of an even count), Of(xs, 1) the maximum. xs
// need not be sorted and is left as it is; an empty xs gives the zero value.
func Of[S ~[]T, T cmp.Ordered](xs S, q float64) T {
	var zero T
	if len(xs) == 0 {
		return zero
	}
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	rank := int(math.Ceil(q * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}
