// Variant: no regexp and no float. The price is read byte by byte into
// cents, as an integer; the IDs rune by rune.

package exercise

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

func ValidateOrder(userID, productID, price string) error {
	if err := checkID("userId", userID); err != nil {
		return err
	}
	if err := checkID("productId", productID); err != nil {
		return err
	}
	return checkPrice(price)
}

func checkID(name, value string) error {
	if value == "" {
		return fmt.Errorf("%s is required", name)
	}
	if len(value) > 64 {
		return fmt.Errorf("%s: %d bytes, at most 64", name, len(value))
	}
	for i := 0; i < len(value); {
		r, size := utf8.DecodeRuneInString(value[i:])
		if r == utf8.RuneError && size == 1 {
			return fmt.Errorf("%s: byte %d is not UTF-8", name, i)
		}
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return fmt.Errorf("%s: %q at byte %d is a space or a control character", name, r, i)
		}
		i += size
	}
	return nil
}

func checkPrice(price string) error {
	if len(price) == 0 || len(price) > 13 {
		return fmt.Errorf("price: %d characters, want 1 to 13", len(price))
	}
	var cents uint64
	whole, decimals, point := 0, 0, false
	for i := 0; i < len(price); i++ {
		c := price[i]
		switch {
		case c == '.' && !point && whole > 0:
			point = true
		case c >= '0' && c <= '9' && !point:
			whole++
			cents = cents*10 + uint64(c-'0')
		case c >= '0' && c <= '9' && decimals < 2:
			decimals++
			cents = cents*10 + uint64(c-'0')
		default:
			return fmt.Errorf("price: %q at %d; want digits, then at most a point and two decimals", c, i)
		}
	}
	if point && decimals == 0 {
		return fmt.Errorf("price: a point needs decimals after it")
	}
	for ; decimals < 2; decimals++ {
		cents *= 10
	}
	switch {
	case cents == 0:
		return fmt.Errorf("price must be greater than 0")
	case cents > 1_000_000_000*100:
		return fmt.Errorf("price must be at most 1000000000")
	}
	return nil
}
