// Mistake: one error for every problem, "invalid order": the client cannot
// tell which field to fix.
// Caught by: "clause 7: the error names the field"

package exercise

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

var errInvalid = errors.New("invalid order")

// priceFormat: digits, then at most one point and two decimals.
var priceFormat = regexp.MustCompile(`^[0-9]+(\.[0-9]{1,2})?$`)

func ValidateOrder(userID, productID, price string) error {
	for _, f := range []struct{ name, value string }{{"userId", userID}, {"productId", productID}} {
		switch {
		case f.value == "":
			return errInvalid
		case len(f.value) > 64:
			return errInvalid
		case !utf8.ValidString(f.value):
			return errInvalid
		case strings.IndexFunc(f.value, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
			return errInvalid
		}
	}
	switch {
	case price == "":
		return errInvalid
	case !priceFormat.MatchString(price):
		return errInvalid
	case len(price) > 13:
		return errInvalid
	case strings.Trim(price, "0.") == "":
		return errInvalid
	}
	// The text is a plain decimal by now: ParseFloat reads it exactly enough.
	if value, _ := strconv.ParseFloat(price, 64); value > 1_000_000_000 {
		return errInvalid
	}
	return nil
}
