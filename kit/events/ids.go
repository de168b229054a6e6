package events

import (
	"cmp"
	"strconv"
	"strings"
	"time"
)

// A stream entry ID is <milliseconds>-<sequence>, both whole numbers.

// CompareIDs orders two entry IDs as Redis does: by milliseconds, then by
// sequence, as numbers. As strings, "9-0" would sort after "10-0".
func CompareIDs(a, b string) int {
	aMs, aSeq := splitID(a)
	bMs, bSeq := splitID(b)
	if aMs != bMs {
		return cmp.Compare(aMs, bMs)
	}
	return cmp.Compare(aSeq, bSeq)
}

// IDTime is when an entry was added: an automatic entry ID starts with the
// Unix time in milliseconds.
func IDTime(id string) time.Time {
	ms, _ := splitID(id)
	return time.UnixMilli(int64(ms))
}

// splitID returns an entry ID's two numbers; a part that is not a number
// counts as 0.
func splitID(id string) (ms, seq uint64) {
	msPart, seqPart, _ := strings.Cut(id, "-")
	ms, _ = strconv.ParseUint(msPart, 10, 64)
	seq, _ = strconv.ParseUint(seqPart, 10, 64)
	return ms, seq
}
