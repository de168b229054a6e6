// Mistake: the body decoded into map[string]any and each value printed with
// fmt.Sprint: a price sent as the number 12.50 passes, as "12.5".
// Caught by: "Decode the body into a struct of three strings"

package exercise

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/redis/go-redis/v9"
)

func OrderHandler(rdb *redis.Client) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&body); err != nil || body == nil {
			respond(w, http.StatusBadRequest, map[string]string{"error": "the body must be a JSON object"})
			return
		}
		text := func(key string) string {
			if v, ok := body[key]; ok {
				return fmt.Sprint(v)
			}
			return ""
		}
		order := struct{ UserID, ProductID, Price string }{text("userId"), text("productId"), text("price")}
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
