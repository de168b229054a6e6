// Mistake: strconv.ParseFloat and "> 0" for the price's format. It takes
// "+5", "1e3", "Inf", "NaN", "5." and ".5" for prices.
// Caught by: "strconv.ParseFloat accepts it"

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
	value, err := strconv.ParseFloat(price, 64)
	switch {
	case err != nil:
		return errors.New("price must be a number")
	case len(price) > 13:
		return errors.New("price is longer than 13 characters")
	case value <= 0:
		return errors.New("price must be greater than 0")
	case value > 1_000_000_000:
		return errors.New("price must be at most 1000000000")
	}
	if i := strings.IndexByte(price, '.'); i >= 0 && len(price)-i-1 > 2 {
		return errors.New("price has more than two decimals")
	}
	return nil
}
