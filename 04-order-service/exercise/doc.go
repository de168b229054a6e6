// Package exercise is your turn for the order service: each task is a
// function whose body returns errNotStarted (or answers 501). Write
// them in order, then run, from 04-order-service:
//
//	go test ./exercise/
//
// A task not started fails with one line naming the file to open, a wrong
// answer fails with a hint, a right one passes. README.md, "Your turn",
// lists the tasks; `go run ./scripts/check`, from the repository's root,
// shows your progress through every stage.
package exercise

import "github.com/streams-workshop/kit/exercise"

// orders is the contract's stream of orders.
const orders = "order-events"

// errNotStarted is what a task returns until you write it: its test then
// fails with one line, naming the file to open.
var errNotStarted = exercise.ErrNotStarted

// notStartedHandler is the handler a task returns until you write it: it
// answers 501, and the test fails with one line, naming the file to open.
var notStartedHandler = exercise.NotStartedHandler
