// Mistake: the values trimmed "to be kind" before ValidateOrder: " 5" and
// " user-1" pass, and the stream gets values the client never wrote.
// Caught by: "on the values as the client sent them (no TrimSpace)"

package exercise

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/redis/go-redis/v9"
)

func OrderHandler(rdb *redis.Client) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var order struct{ UserID, ProductID, Price string }
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&order); err != nil {
			respond(w, http.StatusBadRequest, map[string]string{"error": "the body must be a JSON object of strings: " + err.Error()})
			return
		}
		order.UserID, order.ProductID, order.Price = strings.TrimSpace(order.UserID), strings.TrimSpace(order.ProductID), strings.TrimSpace(order.Price)
		if err := ValidateOrder(order.UserID, order.ProductID, order.Price); err != nil {
			respond(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		orderID := newOrderID()
		entryID, err := rdb.XAdd(r.Context(), &redis.XAddArgs{Stream: orders, Values: []string{
			"userId", order.UserID, "productId", order.ProductID, "price", order.Price, "orderId", orderID,
		}}).Result()
		if err != nil {
			respond(w, http.StatusServiceUnavailable, map[string]string{"error": "the order could not be published; try again"})
			return
		}
		respond(w, http.StatusCreated, map[string]string{"orderId": orderID, "entryId": entryID})
	}
}
