// Mistake: the format is checked, not the value: "0" and "0.00" pass, and
// the shop gives its goods away.
// Caught by: "greater than 0"

package exercise

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

var priceFormat = regexp.MustCompile(`^[0-9]+(\.[0-9]{1,2})?$`)

func ValidateOrder(userID, productID, price string) error {
	for _, f := range []struct{ name, value string }{{"userId", userID}, {"productId", productID}} {
		switch {
		case f.value == "":
			return fmt.Errorf("%s is required", f.name)
		case len(f.value) > 64:
			return fmt.Errorf("%s is longer than 64 bytes", f.name)
		case strings.IndexFunc(f.value, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
			return fmt.Errorf("%s must not hold spaces or control characters", f.name)
		}
	}
	if !priceFormat.MatchString(price) {
		return errors.New("price must be a decimal number with at most two decimals, such as 12.50")
	}
	return nil
}
