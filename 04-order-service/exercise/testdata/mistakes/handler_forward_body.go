// Mistake: the body decoded into a map, and the map itself published with
// the orderId added: any field the client adds, such as "coupon", reaches
// order-events beside the contract's four.
// Caught by: "Publish the contract's four fields only"

package exercise

import (
	"encoding/json"
	"net/http"

	"github.com/redis/go-redis/v9"
)

func OrderHandler(rdb *redis.Client) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var order map[string]string
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&order); err != nil {
			respond(w, http.StatusBadRequest, map[string]string{"error": "the body must be a JSON object of strings: " + err.Error()})
			return
		}
		if err := ValidateOrder(order["userId"], order["productId"], order["price"]); err != nil {
			respond(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		orderID := newOrderID()
		order["orderId"] = orderID
		entryID, err := rdb.XAdd(r.Context(), &redis.XAddArgs{Stream: orders, Values: order}).Result()
		if err != nil {
			respond(w, http.StatusServiceUnavailable, map[string]string{"error": "the order could not be published; try again"})
			return
		}
		respond(w, http.StatusCreated, map[string]string{"orderId": orderID, "entryId": entryID})
	}
}
