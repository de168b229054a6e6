package exercise

import (
	"crypto/rand"
	"encoding/hex"

	"github.com/redis/go-redis/v9"
)

// paymentFields is given: the fields of the payment-events entry that pays
// order, all strings, as the contract says: userId, productId and price from
// the order, its orderId (the entry ID when the order has none, as from the
// Spring service), and a new paymentProcessId, unique across restarts and
// instances. Pass it as XAddArgs.Values.
func paymentFields(order redis.XMessage) []any {
	orderID, _ := order.Values["orderId"].(string)
	if orderID == "" {
		orderID = order.ID
	}
	id := make([]byte, 8)
	rand.Read(id)
	return []any{
		"userId", order.Values["userId"],
		"productId", order.Values["productId"],
		"price", order.Values["price"],
		"paymentProcessId", hex.EncodeToString(id),
		"orderId", orderID,
	}
}
