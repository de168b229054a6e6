// Mistake: the answers written with WriteHeader and json.Encoder, without
// Content-Type: a client sees text/plain, or nothing, and does not parse it.
// Caught by: "clause 6: every answer is a JSON object with Content-Type: application/json"

package exercise

import (
	"encoding/json"
	"net/http"

	"github.com/redis/go-redis/v9"
)

// answer writes body as JSON, and forgets the Content-Type.
func answer(w http.ResponseWriter, status int, body any) {
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

func OrderHandler(rdb *redis.Client) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var order struct{ UserID, ProductID, Price string }
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&order); err != nil {
			answer(w, http.StatusBadRequest, map[string]string{"error": "the body must be a JSON object of strings: " + err.Error()})
			return
		}
		if err := ValidateOrder(order.UserID, order.ProductID, order.Price); err != nil {
			answer(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		orderID := newOrderID()
		entryID, err := rdb.XAdd(r.Context(), &redis.XAddArgs{Stream: orders, Values: []string{
			"userId", order.UserID, "productId", order.ProductID, "price", order.Price, "orderId", orderID,
		}}).Result()
		if err != nil {
			answer(w, http.StatusServiceUnavailable, map[string]string{"error": "the order could not be published; try again"})
			return
		}
		answer(w, http.StatusCreated, map[string]string{"orderId": orderID, "entryId": entryID})
	}
}
