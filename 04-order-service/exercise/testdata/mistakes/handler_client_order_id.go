// Mistake: the client may bring its own orderId, "to send an order again
// safely". The orderId is the service's: a client that chooses it can reuse
// another order's, and 06, which drops duplicates by orderId, drops a mail.
// Caught by: "orderId is the service's to give"

package exercise

import (
	"encoding/json"
	"net/http"

	"github.com/redis/go-redis/v9"
)

func OrderHandler(rdb *redis.Client) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var order struct{ UserID, ProductID, Price, OrderID string }
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&order); err != nil {
			respond(w, http.StatusBadRequest, map[string]string{"error": "the body must be a JSON object of strings: " + err.Error()})
			return
		}
		if err := ValidateOrder(order.UserID, order.ProductID, order.Price); err != nil {
			respond(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		orderID := order.OrderID // the client's, when it sends one again
		if orderID == "" {
			orderID = newOrderID()
		}
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
