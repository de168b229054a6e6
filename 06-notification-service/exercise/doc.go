// Package exercise is your turn for the notification service: each task is
// a function whose body returns errNotStarted. Write them in order,
// then run, from 06-notification-service:
//
//	go test ./exercise/
//
// A task not started fails with one line naming the file to open, a wrong
// answer fails with a hint, a right one passes. README.md, "Your turn",
// lists the tasks; `go run ./scripts/check`, from the repository's root,
// shows your progress through every stage.
package exercise

import (
	"time"

	"github.com/streams-workshop/kit/exercise"
)

// The contract's names.
const (
	orders   = "order-events"
	payments = "payment-events"
	group    = "notification-service-group"
)

// sentTTL is how long a sent notification is remembered, to drop duplicates.
const sentTTL = 7 * 24 * time.Hour

// Notification is one message to a user: a mail for an order, an SMS for a
// payment.
type Notification struct {
	Kind    string // "mail" or "sms"
	OrderID string
	UserID  string
}

// errNotStarted is what a task returns until you write it: its test then
// fails with one line, naming the file to open.
var errNotStarted = exercise.ErrNotStarted
