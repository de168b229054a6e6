package exercise

import (
	"strconv"

	"github.com/redis/go-redis/v9"
)

// paymentFields is given: the fields of the payment-events entry that pays
// order, all strings, as the contract says: userId, productId and price as
// the order has them, paymentProcessID (the number INCR paymentProcessIDs
// answered), and the order's orderId, or its entry ID when it has none (as
// from the Spring service). Pass it as XAddArgs.Values, or after a script's
// other arguments.
func paymentFields(order redis.XMessage, paymentProcessID int64) []any {
	orderID, _ := order.Values["orderId"].(string)
	if orderID == "" {
		orderID = order.ID
	}
	return []any{
		"userId", order.Values["userId"],
		"productId", order.Values["productId"],
		"price", order.Values["price"],
		"paymentProcessId", strconv.FormatInt(paymentProcessID, 10),
		"orderId", orderID,
	}
}
