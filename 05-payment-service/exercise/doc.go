// Package exercise is your turn for the payment service: the payment arc, in
// three steps. Each task is a function whose body returns
// exercise.ErrNotStarted. Write them in order, then run, from
// 05-payment-service:
//
//	go test -v ./exercise/
//
// Each step's test tells you what your consumer did through a crash and a
// takeover; README.md, "Your turn", walks through the arc. The tests create
// the group before they start your consumer.
package exercise

// The contract's names.
const (
	orders   = "order-events"
	payments = "payment-events"
	group    = "payment-service-group"
)
