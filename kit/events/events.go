// Package events is the contract between the services: stream and group
// names, and the fields of each event. It is wire-compatible with the Spring
// services of the tutorial: every field value is a string, as
// StringRedisTemplate writes it.
package events

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Streams and groups, as in the tutorial.
const (
	OrderStream   = "order-events"
	PaymentStream = "payment-events"

	PaymentGroup      = "payment-service-group"
	NotificationGroup = "notification-service-group"
)

// A consumer's name is not in the tutorial's contract (its services are all
// instance-1). Ours default to the host name and HTTP port, stable for one
// host and distinct between hosts: see consumer.DefaultName.

// DeadLetterStream names the stream where a group's poison events go:
// order-events:dlq:payment-service-group, for example. One per stream and
// group, so that each service owns its own dead letters.
func DeadLetterStream(stream, group string) string {
	return stream + ":dlq:" + group
}

// Limits on the fields. They keep a stream entry small and printable.
const (
	// MaxIDLength bounds userId, productId and orderId (order-service's
	// orderIds have 36 bytes, an entry ID at most 41).
	MaxIDLength = 64
	MaxPrice    = 1_000_000_000
	// MaxPriceLength is the longest a price below MaxPrice needs to be. It
	// refuses zero padding such as 000…0005, which passes every other check.
	MaxPriceLength = len("1000000000.00")
	// MaxProcessIDLength bounds paymentProcessId, a decimal counter.
	MaxProcessIDLength = len("18446744073709551615")
)

// TraceField is the field that carries a trace from one service to the next,
// with tracing on: a W3C traceparent, 00-<trace ID>-<span ID>-<flags>. It is
// not part of Order or Payment, and the parsers ignore it, as Spring does.
const TraceField = "traceparent"

// Order is an order-events entry.
type Order struct {
	OrderID   string `json:"orderId"`
	UserID    string `json:"userId"`
	ProductID string `json:"productId"`
	Price     string `json:"price"`
}

// Payment is a payment-events entry.
type Payment struct {
	OrderID          string `json:"orderId"`
	UserID           string `json:"userId"`
	ProductID        string `json:"productId"`
	Price            string `json:"price"`
	PaymentProcessID string `json:"paymentProcessId"`
}

// ValidateOrder checks the fields a client sends. The error says which field
// is wrong and why, in one line fit for an HTTP 400 body.
func ValidateOrder(userID, productID, price string) error {
	if err := validateID("userId", userID); err != nil {
		return err
	}
	if err := validateID("productId", productID); err != nil {
		return err
	}
	return validatePrice(price)
}

func validateID(name, value string) error {
	switch {
	case value == "":
		return fmt.Errorf("%s is required", name)
	case len(value) > MaxIDLength:
		return fmt.Errorf("%s is longer than %d bytes", name, MaxIDLength)
	case plainASCII(value, '!'):
		return nil // the usual ID, checked without decoding runes
	case !utf8.ValidString(value):
		return fmt.Errorf("%s is not valid UTF-8", name)
	}
	for _, r := range value {
		if !unicode.IsPrint(r) || unicode.IsSpace(r) {
			return fmt.Errorf("%s must be printable, without spaces", name)
		}
	}
	return nil
}

// validatePrice accepts a decimal number greater than 0 with at most two
// decimals, such as 5000 or 12.50: a price in the currency's main unit.
func validatePrice(price string) error {
	if price == "" {
		return errors.New("price is required")
	}
	unsigned, negative := strings.CutPrefix(price, "-")
	whole, frac, hasFrac := strings.Cut(unsigned, ".")
	if whole == "" || !allDigits(whole) || (hasFrac && (frac == "" || !allDigits(frac))) {
		return errors.New("price must be a decimal number such as 5000 or 12.50")
	}
	// The format is right; say what else is wrong.
	switch {
	case negative:
		return errors.New("price must be greater than 0")
	case len(frac) > 2:
		return errors.New("price has more than two decimals: write it such as 12.50")
	}
	if len(price) > MaxPriceLength {
		return fmt.Errorf("price is longer than %d characters", MaxPriceLength)
	}
	value, err := strconv.ParseFloat(price, 64)
	if err != nil || value <= 0 {
		return errors.New("price must be greater than 0")
	}
	if value > MaxPrice {
		return fmt.Errorf("price must be at most %d", MaxPrice)
	}
	return nil
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Fields returns the order as XADD field-value pairs, in the tutorial's order.
func (o Order) Fields() []string {
	return []string{"userId", o.UserID, "productId", o.ProductID, "price", o.Price, "orderId", o.OrderID}
}

// Fields returns the payment as XADD field-value pairs.
func (p Payment) Fields() []string {
	return []string{"userId", p.UserID, "productId", p.ProductID, "price", p.Price,
		"paymentProcessId", p.PaymentProcessID, "orderId", p.OrderID}
}

// ParseOrder decodes and checks an order-events entry. An entry without
// orderId, as the Spring OrderService writes it, takes the entry ID as its
// orderId. Every field is untrusted (anyone who can XADD wrote it), orderId
// too: it must be printable, without spaces, at most MaxIDLength bytes.
func ParseOrder(entryID string, values map[string]any) (Order, error) {
	o := Order{
		OrderID:   str(values, "orderId"),
		UserID:    str(values, "userId"),
		ProductID: str(values, "productId"),
		Price:     str(values, "price"),
	}
	if o.OrderID == "" {
		o.OrderID = entryID
	}
	if err := validateID("orderId", o.OrderID); err != nil {
		return o, err
	}
	return o, ValidateOrder(o.UserID, o.ProductID, o.Price)
}

// ParsePayment decodes and checks a payment-events entry: the order's fields
// as ParseOrder checks them, and a paymentProcessId of digits.
func ParsePayment(entryID string, values map[string]any) (Payment, error) {
	o, err := ParseOrder(entryID, values)
	p := Payment{
		OrderID:          o.OrderID,
		UserID:           o.UserID,
		ProductID:        o.ProductID,
		Price:            o.Price,
		PaymentProcessID: str(values, "paymentProcessId"),
	}
	if err != nil {
		return p, err
	}
	switch id := p.PaymentProcessID; {
	case id == "":
		return p, errors.New("paymentProcessId is required")
	case len(id) > MaxProcessIDLength || !allDigits(id):
		return p, fmt.Errorf("paymentProcessId must be a number of at most %d digits", MaxProcessIDLength)
	}
	return p, nil
}

// str reads a field as a string; go-redis gives field values as strings.
func str(values map[string]any, key string) string {
	s, _ := values[key].(string)
	return s
}

// plainASCII reports whether every byte of s is printable ASCII from lowest
// (' ' or '!') to '~'. Such a string needs no rune decoding.
func plainASCII(s string, lowest byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < lowest || s[i] > '~' {
			return false
		}
	}
	return true
}

// MaxPrintLength bounds a field printed from a stream.
const MaxPrintLength = 100

// Printable returns a field from a stream fit to print on a line of stdout or
// a log: control characters (a newline would start a forged line, an escape
// byte drives the terminal), other invisible runes and invalid UTF-8 are
// escaped as Go quotes them (\n, \x1b, \u202e), and a value longer than
// MaxPrintLength bytes is cut, with "..." at the end. Print every field from
// a stream through it: validated or not, it is untrusted.
func Printable(s string) string {
	if len(s) <= MaxPrintLength && plainASCII(s, ' ') && !strings.ContainsAny(s, "\"\\") {
		return s // nothing to escape: the usual case, and a drain's hot path
	}
	cut := len(s) > MaxPrintLength
	if cut {
		s = s[:MaxPrintLength]
	}
	q := strconv.QuoteToGraphic(s)
	q = q[1 : len(q)-1] // no quotes around it
	if cut {
		q += "..."
	}
	return q
}
