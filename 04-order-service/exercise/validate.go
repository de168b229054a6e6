package exercise

// ValidateOrder returns nil for a good order, and otherwise an error that
// says what is wrong, for the client to read in a 400. The contract:
//
//  1. userId and productId are required: an empty one is refused.
//  2. Each is at most 64 bytes, as len counts them, not characters: "가"
//     is one character but 3 bytes, so 22 of them (66 bytes) are too long.
//  3. Each is valid UTF-8, with no spaces and no control characters
//     (unicode.IsSpace, unicode.IsControl): "user 1", "a\tb", "a\x00b",
//     "a\x1bb", "a\u009bb" (a control character beyond ASCII) and
//     "가\u3000나" (an ideographic space) are refused; any other character
//     is fine, such as "사용자-1" or "user@shop.example".
//  4. price is written as ASCII digits, then optionally a point and one or
//     two digits: "5000", "12.50", "0.01", "7.5". Nothing else: no sign
//     ("+5", "-5"), no exponent ("1e3"), no "Inf" or "NaN", no space
//     (" 5"), no comma ("5,00"), no point without a digit on each side
//     ("5.", ".5"), no third decimal ("12.345"), no other digits ("５").
//  5. price is greater than 0: "0", "00" and "0.00" are refused.
//  6. price is at most 1000000000 ("1000000000.00" is fine,
//     "1000000000.01" is not) and at most 13 characters long. Leading
//     zeros are allowed within that: "00.5" is fine, "000000000000.5"
//     (14 characters) is not.
//  7. The error names the field that is wrong as the JSON body names it:
//     userId, productId or price.
//
// Check the text as written: strconv.ParseFloat accepts "+5", "1e3",
// "Inf", "NaN", "5." and ".5", which are no prices.
//
// README.md, "What is refused (and nothing is published)" and "The price",
// teaches it.
func ValidateOrder(userID, productID, price string) error {
	return errNotStarted
}
