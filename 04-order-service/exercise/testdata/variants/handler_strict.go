// Variant: stricter about the body, as request.go is: unknown fields and
// anything after the object are refused; the XADD trims the stream
// (MAXLEN ~) and has a deadline of its own.

package exercise

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"
)

type orderBody struct {
	UserID    string `json:"userId"`
	ProductID string `json:"productId"`
	Price     string `json:"price"`
}

func OrderHandler(rdb *redis.Client) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
		dec.DisallowUnknownFields()
		var o orderBody
		if err := dec.Decode(&o); err != nil {
			respond(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
			respond(w, http.StatusBadRequest, map[string]string{"error": "one JSON object, and nothing after it"})
			return
		}
		if err := ValidateOrder(o.UserID, o.ProductID, o.Price); err != nil {
			respond(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		orderID := newOrderID()
		entryID, err := rdb.XAdd(ctx, &redis.XAddArgs{
			Stream: orders, MaxLen: 1_000_000, Approx: true,
			Values: []string{"userId", o.UserID, "productId", o.ProductID, "price", o.Price, "orderId", orderID},
		}).Result()
		if err != nil || entryID == "" {
			respond(w, http.StatusServiceUnavailable, map[string]string{"error": "order not published; try again"})
			return
		}
		respond(w, http.StatusCreated, map[string]string{"orderId": orderID, "entryId": entryID})
	}
}
