// Package exercise is your turn for the payment service: the payment arc, in
// three steps. Each task is a function whose body returns
// errNotStarted. Write them in order, then run, from
// 05-payment-service:
//
//	go test -v ./exercise/
//
// Each step's test tells you what your consumer did through a crash and a
// takeover; README.md, "Your turn", walks through the arc. The tests create
// the group before they start your consumer.
package exercise

import "github.com/streams-workshop/kit/exercise"

// The contract's names.
const (
	orders   = "order-events"
	payments = "payment-events"
	group    = "payment-service-group"
)

// errNotStarted is what a task returns until you write it: its test then
// skips, naming the file to open.
var errNotStarted = exercise.ErrNotStarted
