// Mistake: the price checked by hand with unicode.IsDigit, which is true for
// every script's digits: the full-width "５０００" passes, and the stream
// gets a price no consumer can read.
// Caught by: "unicode.IsDigit also takes"

package exercise

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

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
	if price == "" {
		return errors.New("price is required")
	}
	whole, frac, hasPoint := strings.Cut(price, ".")
	if !digits(whole) || (hasPoint && (len(frac) == 0 || len(frac) > 2 || !digits(frac))) {
		return errors.New("price must be digits, then at most a point and two decimals")
	}
	if len(price) > 13 {
		return errors.New("price is longer than 13 characters")
	}
	if strings.Trim(price, "0.") == "" {
		return errors.New("price must be greater than 0")
	}
	if value, err := strconv.ParseFloat(price, 64); err == nil && value > 1_000_000_000 {
		return errors.New("price must be at most 1000000000")
	}
	return nil
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}
