package exercise

// ValidateOrder returns nil for a good order, and an error saying what is
// wrong, for a client to read, otherwise:
//   - userId and productId are required, at most 64 bytes, with no spaces
//     or control characters;
//   - price is a decimal number greater than 0, with at most two decimals:
//     "5000", "12.50", "0.01". No sign, no exponent ("1e3"), no comma.
//
// Check the text as written: strconv.ParseFloat accepts "1e3", "Inf" and
// "12.345", which are no prices.
//
// README.md, "What is refused (and nothing is published)" and "The price",
// teaches it.
func ValidateOrder(userID, productID, price string) error {
	return errNotStarted
}
