package events

import "testing"

func TestValidateOrder(t *testing.T) {
	for _, tc := range []struct{ userID, productID, price, err string }{
		{"u1", "p1", "5000", ""},
		{"u1", "p1", "12.50", ""},
		{"u1", "p1", "0.01", ""},
		{"u1", "p1", "1000000000.00", ""},
		{"u1", "p1", "0005000", ""},
		{"", "p1", "1", "userId is required"},
		{"u1", "", "1", "productId is required"},
		{"u 1", "p1", "1", "userId must be printable, without spaces"},
		{"u1", "p\x001", "1", "productId must be printable, without spaces"},
		{"u\xff", "p1", "1", "userId is not valid UTF-8"},
		{string(make([]byte, MaxIDLength+1)), "p1", "1", "userId is longer than 64 bytes"},
		{"u1", "p1", "", "price is required"},
		{"u1", "p1", "1e3", "price must be a decimal number such as 5000 or 12.50"},
		{"u1", "p1", "-1", "price must be a decimal number such as 5000 or 12.50"},
		{"u1", "p1", "1.", "price must be a decimal number such as 5000 or 12.50"},
		{"u1", "p1", ".5", "price must be a decimal number such as 5000 or 12.50"},
		{"u1", "p1", "1.234", "price must be a decimal number such as 5000 or 12.50"},
		{"u1", "p1", "0.00", "price must be greater than 0"},
		{"u1", "p1", "1000000000.01", "price must be at most 1000000000"},
		{"u1", "p1", "00000000000001", "price is longer than 13 characters"},
	} {
		err := ValidateOrder(tc.userID, tc.productID, tc.price)
		if got := errString(err); got != tc.err {
			t.Errorf("ValidateOrder(%q, %q, %q) = %q, want %q", tc.userID, tc.productID, tc.price, got, tc.err)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
