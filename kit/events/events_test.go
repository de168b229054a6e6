package events

import (
	"maps"
	"strings"
	"testing"
)

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
		{"u1", "p1", "-1", "price must be greater than 0"},
		{"u1", "p1", "-", "price must be a decimal number such as 5000 or 12.50"},
		{"u1", "p1", "--1", "price must be a decimal number such as 5000 or 12.50"},
		{"u1", "p1", "1.", "price must be a decimal number such as 5000 or 12.50"},
		{"u1", "p1", ".5", "price must be a decimal number such as 5000 or 12.50"},
		{"u1", "p1", "1.234", "price has more than two decimals: write it such as 12.50"},
		{"u1", "p1", "1.2x", "price must be a decimal number such as 5000 or 12.50"},
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

func TestParseOrderChecksOrderID(t *testing.T) {
	valid := map[string]any{"userId": "u1", "productId": "p1", "price": "10"}
	for _, tc := range []struct{ orderID, err string }{
		{"o-1", ""},
		{"", ""}, // the entry ID stands in
		{"o1\n[Payment consumed] forged", "orderId must be printable, without spaces"},
		{"o1\x1b[31m", "orderId must be printable, without spaces"},
		{"o\u202e1", "orderId must be printable, without spaces"},
		{"o 1", "orderId must be printable, without spaces"},
		{strings.Repeat("x", MaxIDLength), ""},
		{strings.Repeat("x", 1<<20), "orderId is longer than 64 bytes"},
	} {
		values := maps.Clone(valid)
		if tc.orderID != "" {
			values["orderId"] = tc.orderID
		}
		_, err := ParseOrder("1-0", values)
		if got := errString(err); got != tc.err {
			t.Errorf("ParseOrder(orderId %.20q) = %q, want %q", tc.orderID, got, tc.err)
		}
		values["paymentProcessId"] = "7"
		_, err = ParsePayment("1-0", values)
		if got := errString(err); got != tc.err {
			t.Errorf("ParsePayment(orderId %.20q) = %q, want %q", tc.orderID, got, tc.err)
		}
	}
}

func TestParsePaymentChecksEveryField(t *testing.T) {
	for _, tc := range []struct {
		field, value, err string
	}{
		{"userId", "u\n1", "userId must be printable, without spaces"},
		{"productId", "", "productId is required"},
		{"price", "-1", "price must be greater than 0"},
		{"paymentProcessId", "", "paymentProcessId is required"},
		{"paymentProcessId", "7\n", "paymentProcessId must be a number of at most 20 digits"},
		{"paymentProcessId", strings.Repeat("9", 21), "paymentProcessId must be a number of at most 20 digits"},
	} {
		values := map[string]any{"userId": "u1", "productId": "p1", "price": "10", "paymentProcessId": "7", "orderId": "o1"}
		values[tc.field] = tc.value
		_, err := ParsePayment("1-0", values)
		if got := errString(err); got != tc.err {
			t.Errorf("ParsePayment(%s %q) = %q, want %q", tc.field, tc.value, got, tc.err)
		}
	}
}

func TestPrintable(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"order-1", "order-1"},
		{"주문-1", "주문-1"},
		{"o1\n[Payment consumed] forged", `o1\n[Payment consumed] forged`},
		{"\x1b[31mred", `\x1b[31mred`},
		{"a\u202eb", `a\u202eb`},
		{"bad\xff", `bad\xff`},
		{strings.Repeat("x", 1<<20), strings.Repeat("x", MaxPrintLength) + "..."},
	} {
		if got := Printable(tc.in); got != tc.want {
			t.Errorf("Printable(%.30q) = %.40q, want %.40q", tc.in, got, tc.want)
		}
	}
}

// TestTraceFieldIsAccepted: with tracing on, entries carry a traceparent
// field; the parsers ignore it, as Spring's consumers do, so an entry with
// one is never refused (and dead-lettered) as invalid. Any value will do.
func TestTraceFieldIsAccepted(t *testing.T) {
	for _, traceparent := range []string{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "", "garbage\n"} {
		values := map[string]any{"userId": "u1", "productId": "p1", "price": "10", "orderId": "o1", TraceField: traceparent}
		want := Order{OrderID: "o1", UserID: "u1", ProductID: "p1", Price: "10"}
		if o, err := ParseOrder("1-0", values); err != nil || o != want {
			t.Errorf("ParseOrder with traceparent %q = %+v, %v; want %+v", traceparent, o, err, want)
		}
		values["paymentProcessId"] = "7"
		if _, err := ParsePayment("1-0", values); err != nil {
			t.Errorf("ParsePayment with traceparent %q: %v", traceparent, err)
		}
	}
}
