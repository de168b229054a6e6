// Package exercise is your turn for the order service: each task is a
// function whose body returns exercise.ErrNotStarted (or answers 501). Write
// them in order, then run, from 04-order-service:
//
//	go test ./exercise/
//
// A task not started is skipped, a wrong answer fails with a hint, a right
// one passes. README.md, "Your turn", lists the tasks.
package exercise

// orders is the contract's stream of orders.
const orders = "order-events"
