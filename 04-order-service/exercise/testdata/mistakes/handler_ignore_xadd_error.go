// Mistake: XADD's error is not looked at: with Redis down the client gets 201
// and an empty entryId for an order that was never written.
// Caught by: "Never a 2xx: the order is not in the stream"

package exercise

import (
	"encoding/json"
	"net/http"

	"github.com/redis/go-redis/v9"
)

func OrderHandler(rdb *redis.Client) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var order struct{ UserID, ProductID, Price string }
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&order); err != nil {
			respond(w, http.StatusBadRequest, map[string]string{"error": "the body must be a JSON object of strings: " + err.Error()})
			return
		}
		if err := ValidateOrder(order.UserID, order.ProductID, order.Price); err != nil {
			respond(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		orderID := newOrderID()
		entryID, _ := rdb.XAdd(r.Context(), &redis.XAddArgs{Stream: orders, Values: []string{
			"userId", order.UserID, "productId", order.ProductID, "price", order.Price, "orderId", orderID,
		}}).Result()
		respond(w, http.StatusCreated, map[string]string{"orderId": orderID, "entryId": entryID})
	}
}
