// Variant: the body decoded into a map of strings, whose keys are checked;
// the JSON answers written by hand, with a Retry-After on the 503; the
// fields given to XADD as a map.

package exercise

import (
	"encoding/json"
	"net/http"

	"github.com/redis/go-redis/v9"
)

func OrderHandler(rdb *redis.Client) http.HandlerFunc {
	answer := func(w http.ResponseWriter, status int, body map[string]string) {
		data, _ := json.Marshal(body)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		w.Write(append(data, '\n'))
	}
	return func(w http.ResponseWriter, r *http.Request) {
		var body map[string]string
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			answer(w, http.StatusBadRequest, map[string]string{"error": "bad JSON: " + err.Error()})
			return
		}
		if err := ValidateOrder(body["userId"], body["productId"], body["price"]); err != nil {
			answer(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		orderID := newOrderID()
		id, err := rdb.XAdd(r.Context(), &redis.XAddArgs{
			Stream: orders,
			Values: map[string]any{"userId": body["userId"], "productId": body["productId"], "price": body["price"], "orderId": orderID},
		}).Result()
		if err != nil {
			w.Header().Set("Retry-After", "1")
			answer(w, http.StatusServiceUnavailable, map[string]string{"error": "order not published: " + err.Error()})
			return
		}
		answer(w, http.StatusCreated, map[string]string{"orderId": orderID, "entryId": id})
	}
}
