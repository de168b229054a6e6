// Mistake: strconv.ParseFloat and "> 0". It takes 1e3, Inf and 12.345 for
// prices.
// Caught by: "ParseFloat accepts"

package exercise

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

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
	p, err := strconv.ParseFloat(price, 64)
	if err != nil || p <= 0 {
		return errors.New("price must be a number greater than 0")
	}
	return nil
}
