// Package exercise is your turn for the payment service: the payment arc, in
// three steps. Each task is a function whose body returns errNotStarted, and
// whose doc comment states its contract as numbered clauses. Write them in
// order, then run, from 05-payment-service:
//
//	go test -v ./exercise/
//
// A task you have not started fails with one line that names its file; `go
// run ./scripts/check`, from the repository's root, shows your progress (each
// task not started, failing with its first hint, or done).
//
// Each step's test runs your consumer as the service runs, on data that
// breaks naive code: orders waiting before it starts and orders arriving
// while it waits, more of them than one read's Count, IDs that share a
// millisecond, an order without orderId (as Spring writes it), payments of
// earlier runs, one command that fails once with an error while the
// connection stays up, a crash at every point of a payment, and a takeover.
// It tells you what your consumer did, and which clause that broke; README.md,
// "Your turn", walks through the arc. The tests create the group before they
// start your consumer.
package exercise

import "github.com/streams-workshop/kit/exercise"

// The contract's names.
const (
	orders   = "order-events"
	payments = "payment-events"
	group    = "payment-service-group"
	// paymentProcessIDs is the counter that numbers payments, as in the
	// service (pay.go): INCR it for each payment's paymentProcessId. It lives
	// in Redis, so the numbers go on across restarts and every instance
	// shares them; the braces keep it in payment-events' cluster slot.
	paymentProcessIDs = "{payment-events}:payment-process-id"
)

// errNotStarted is what a task returns until you write it: its test then
// fails with one line naming the file to open.
var errNotStarted = exercise.ErrNotStarted
