// Mistake: one check, and one error, for both required fields: "userId and
// productId are required" names both when only one is empty, and the client
// cannot tell which to fix.
// Caught by: "name only the field that is wrong"

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
	if userID == "" || productID == "" {
		return errors.New("userId and productId are required")
	}
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
	switch {
	case price == "":
		return errors.New("price is required")
	case !priceFormat.MatchString(price):
		return errors.New("price must be digits, then at most a point and two decimals, such as 5000 or 12.50")
	case len(price) > 13:
		return errors.New("price is longer than 13 characters")
	case strings.Trim(price, "0.") == "":
		return errors.New("price must be greater than 0")
	}
	// The text is a plain decimal by now: ParseFloat reads it exactly enough.
	if value, _ := strconv.ParseFloat(price, 64); value > 1_000_000_000 {
		return errors.New("price must be at most 1000000000")
	}
	return nil
}
