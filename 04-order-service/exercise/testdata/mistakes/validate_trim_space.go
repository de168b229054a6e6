// Mistake: strings.TrimSpace before the check: " 5" and "12.5\n" pass, and the
// stream keeps the spaces.
// Caught by: "without strings.TrimSpace"

package exercise

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// priceFormat: digits, then at most one point and two decimals.
var priceFormat = regexp.MustCompile(`^[0-9]+(\.[0-9]{1,2})?$`)

func ValidateOrder(userID, productID, price string) error {
	for _, f := range []struct{ name, value string }{{"userId", userID}, {"productId", productID}} {
		switch {
		case f.value == "":
			return fmt.Errorf("%s is required", f.name)
		case len(f.value) > 64:
			return fmt.Errorf("%s is longer than 64 bytes", f.name)
		case !utf8.ValidString(f.value):
			return fmt.Errorf("%s is not valid UTF-8", f.name)
		case strings.IndexFunc(f.value, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
			return fmt.Errorf("%s must not hold spaces or control characters", f.name)
		}
	}
	switch trimmed := strings.TrimSpace(price); {
	case trimmed == "":
		return errors.New("price is required")
	case !priceFormat.MatchString(trimmed):
		return errors.New("price must be digits, then at most a point and two decimals, such as 5000 or 12.50")
	case len(trimmed) > 13:
		return errors.New("price is longer than 13 characters")
	case strings.Trim(trimmed, "0.") == "":
		return errors.New("price must be greater than 0")
	}
	// The text is a plain decimal by now: ParseFloat reads it exactly enough.
	if value, _ := strconv.ParseFloat(strings.TrimSpace(price), 64); value > 1_000_000_000 {
		return errors.New("price must be at most 1000000000")
	}
	return nil
}
