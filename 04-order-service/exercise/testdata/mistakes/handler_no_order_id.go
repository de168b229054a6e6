// Mistake: the tutorial's three fields only. The orderId goes back to the
// client but not into the event, so no consumer can tell which order it pays.
// Caught by: "the contract's fields"

package exercise

import (
	"encoding/json"
	"net/http"

	"github.com/redis/go-redis/v9"
)

func OrderHandler(rdb *redis.Client) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var order struct{ UserID, ProductID, Price string }
		if err := json.NewDecoder(r.Body).Decode(&order); err != nil {
			respond(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		if err := ValidateOrder(order.UserID, order.ProductID, order.Price); err != nil {
			respond(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		entryID, err := rdb.XAdd(r.Context(), &redis.XAddArgs{Stream: orders, Values: []string{
			"userId", order.UserID, "productId", order.ProductID, "price", order.Price,
		}}).Result()
		if err != nil {
			respond(w, http.StatusServiceUnavailable, map[string]string{"error": "try again"})
			return
		}
		respond(w, http.StatusCreated, map[string]string{"orderId": newOrderID(), "entryId": entryID})
	}
}
