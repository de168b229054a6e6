package events

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// The seed corpus is in testdata/fuzz/FuzzXxx, and runs as an ordinary test.
// To look further: go test -fuzz=FuzzValidateOrder -fuzztime=60s ./kit/events/

var priceForm = regexp.MustCompile(`^[0-9]+(\.[0-9]{1,2})?$`)

// FuzzValidateOrder checks that ValidateOrder never panics, answers in one
// line, and accepts only what the contract allows.
func FuzzValidateOrder(f *testing.F) {
	f.Fuzz(func(t *testing.T, userID, productID, price string) {
		err := ValidateOrder(userID, productID, price)
		if err != nil {
			if msg := err.Error(); msg == "" || strings.ContainsAny(msg, "\r\n") {
				t.Fatalf("error %q is not one line", msg)
			}
			return
		}
		for _, id := range []string{userID, productID} {
			if id == "" || len(id) > MaxIDLength || !utf8.ValidString(id) {
				t.Fatalf("accepted id %q", id)
			}
			for _, r := range id {
				if !unicode.IsPrint(r) || unicode.IsSpace(r) {
					t.Fatalf("accepted id %q with rune %U", id, r)
				}
			}
		}
		if !priceForm.MatchString(price) || len(price) > MaxPriceLength {
			t.Fatalf("accepted price %q", price)
		}
		if v, err := strconv.ParseFloat(price, 64); err != nil || v <= 0 || v > MaxPrice {
			t.Fatalf("accepted price %q = %v, %v", price, v, err)
		}
	})
}

// FuzzParseOrder checks that ParseOrder never panics, agrees with
// ValidateOrder, falls back to the entry ID, and reads back what Fields wrote.
func FuzzParseOrder(f *testing.F) {
	f.Fuzz(func(t *testing.T, entryID, userID, productID, price, orderID string) {
		if entryID == "" {
			t.Skip("a stream entry always has an ID")
		}
		values := map[string]any{"userId": userID, "productId": productID, "price": price}
		if orderID != "" {
			values["orderId"] = orderID
		}
		o, err := ParseOrder(entryID, values)
		wantID := orderID
		if wantID == "" {
			wantID = entryID
		}
		if (err == nil) != (ValidateOrder(userID, productID, price) == nil && validateID("orderId", wantID) == nil) {
			t.Fatalf("ParseOrder, ValidateOrder and the orderId check disagree: %v", err)
		}
		if o.OrderID != wantID || o.UserID != userID || o.ProductID != productID || o.Price != price {
			t.Fatalf("ParseOrder = %+v", o)
		}
		again, err2 := ParseOrder("other", fieldMap(o.Fields()))
		if again != o && wantID != "" || (err == nil) != (err2 == nil) {
			t.Fatalf("Fields then ParseOrder = %+v, %v; want %+v, %v", again, err2, o, err)
		}
		// A value of another type than string counts as missing, not as a panic.
		values["price"] = 5000
		if _, err := ParseOrder(entryID, values); err == nil {
			t.Fatal("a non-string price was accepted")
		}
	})
}

// FuzzParsePayment checks that ParsePayment never panics, accepts only valid
// fields (orderId too), and reads back what Fields wrote.
func FuzzParsePayment(f *testing.F) {
	f.Fuzz(func(t *testing.T, entryID, userID, productID, price, processID, orderID string) {
		if entryID == "" {
			t.Skip("a stream entry always has an ID")
		}
		values := map[string]any{
			"userId": userID, "productId": productID, "price": price,
			"paymentProcessId": processID, "orderId": orderID,
		}
		p, err := ParsePayment(entryID, values)
		wantOrderID := orderID
		if wantOrderID == "" {
			wantOrderID = entryID
		}
		valid := ValidateOrder(userID, productID, price) == nil && validateID("orderId", wantOrderID) == nil &&
			processID != "" && len(processID) <= MaxProcessIDLength && allDigits(processID)
		if (err == nil) != valid {
			t.Fatalf("ParsePayment(%q, %q, %q, %q, %q) error = %v", userID, productID, price, processID, wantOrderID, err)
		}
		if err != nil && strings.ContainsAny(err.Error(), "\r\n") {
			t.Fatalf("error %q is not one line", err)
		}
		if orderID == "" && p.OrderID != entryID || orderID != "" && p.OrderID != orderID {
			t.Fatalf("orderId = %q", p.OrderID)
		}
		again, err2 := ParsePayment(entryID, fieldMap(p.Fields()))
		if again != p || (err == nil) != (err2 == nil) {
			t.Fatalf("Fields then ParsePayment = %+v, %v; want %+v, %v", again, err2, p, err)
		}
	})
}

// fieldMap turns XADD field-value pairs into the map go-redis gives a reader.
func fieldMap(fields []string) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(fields); i += 2 {
		m[fields[i]] = fields[i+1]
	}
	return m
}

// FuzzPrintable checks that Printable never lets a control character or an
// invisible rune through, and stays bounded.
func FuzzPrintable(f *testing.F) {
	f.Add("o1\n[Payment consumed] forged")
	f.Add("\x1b[31mred\u202e")
	f.Add("o-1 \"quoted\" \\ back")
	f.Add("0190f0e2-0000-7000-8000-000000000001")
	f.Fuzz(func(t *testing.T, s string) {
		p := Printable(s)
		if len(p) > 4*MaxPrintLength+len("...") {
			t.Fatalf("Printable gave %d bytes", len(p))
		}
		if !utf8.ValidString(p) {
			t.Fatalf("Printable(%q) = %q, not valid UTF-8", s, p)
		}
		for _, r := range p {
			if !unicode.IsGraphic(r) {
				t.Fatalf("Printable(%q) = %q, with rune %U", s, p, r)
			}
		}
		// The fast path for plain ASCII gives what quoting gives.
		quoted := s
		if len(quoted) > MaxPrintLength {
			quoted = quoted[:MaxPrintLength]
		}
		quoted = strconv.QuoteToGraphic(quoted)
		quoted = quoted[1 : len(quoted)-1]
		if len(s) > MaxPrintLength {
			quoted += "..."
		}
		if p != quoted {
			t.Fatalf("Printable(%q) = %q, want %q", s, p, quoted)
		}
		// And validateID's fast path agrees with its rune by rune check.
		valid := s != "" && len(s) <= MaxIDLength && utf8.ValidString(s) &&
			!strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) || unicode.IsSpace(r) })
		if err := validateID("id", s); (err == nil) != valid {
			t.Fatalf("validateID(%q) = %v, want valid=%v", s, err, valid)
		}
	})
}
