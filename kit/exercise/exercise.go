// Package exercise holds what every learner's task shares: the error a task
// returns until the learner writes it.
package exercise

import (
	"errors"
	"net/http"
)

// ErrNotStarted is what a task's body returns until you write it. Its test
// sees it and skips, naming the file to open.
var ErrNotStarted = errors.New("exercise not started")

// NotStartedHandler is the body of an HTTP handler task until you write it:
// it answers 501 with ErrNotStarted's text.
func NotStartedHandler(w http.ResponseWriter, r *http.Request) {
	http.Error(w, ErrNotStarted.Error(), http.StatusNotImplemented)
}
