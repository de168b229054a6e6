package exercise

import (
	"net/http"

	"github.com/redis/go-redis/v9"
)

// OrderHandler returns the handler of POST /orders. The body is one JSON
// object, {"userId": "...", "productId": "...", "price": "..."}, every value
// a string. The contract:
//
//  1. A good order becomes one entry of order-events with the contract's
//     four fields, all strings, as the client wrote them: userId,
//     productId, price ("12.50" stays "12.50"), and orderId, a new ID for
//     each order (newOrderID, given). The same order sent twice is two
//     orders. Those four and no other: a field the client adds, such as
//     "coupon", is never published (refusing that body with 400 is fine).
//  2. Then the answer is 201 {"orderId": "<the entry's orderId>",
//     "entryId": "<the ID XADD returned>"}.
//  3. A body that is not one JSON object of strings (malformed, empty, an
//     array, or a value that is not a string, such as "price": 12.50)
//     answers 400 {"error": "..."}, and nothing is published.
//  4. An order ValidateOrder refuses answers 400 {"error": "<ValidateOrder's
//     reason>"}, not 500, and nothing is published: validate before the
//     XADD.
//  5. When the XADD fails (Redis is down, or answers an error such as OOM),
//     the answer is 503 {"error": "..."}: the order was certainly not
//     published, so the client may send it again. Not 500, never 201.
//  6. Every answer is a JSON object with Content-Type: application/json,
//     as respond (given) writes it; http.Error writes plain text.
//
// README.md, "Endpoints", "What is refused (and nothing is published)" and
// "When Redis is down", teaches it; order.go's handleOrderJSON does the
// same with more care.
func OrderHandler(rdb *redis.Client) http.HandlerFunc {
	return notStartedHandler
}
