// Package exercise is your turn for lesson 03: each task is a function whose
// body returns errNotStarted. Write it, then run, from
// 03-consumer-groups:
//
//	go test ./exercise/
//
// A task not started fails with one line naming the file to open and the
// function to write; a wrong answer fails with what the test expected, what
// your code did, and a hint that names the clause of the task's contract it
// broke; a right one passes. `go run ./scripts/check`, at the root, shows
// every task's progress in one table (there a task not started shows as
// "not started"). README.md, "Your turn", lists the tasks. The tests create
// the group before they call your code, and play the other consumers.
package exercise

import "github.com/streams-workshop/kit/exercise"

// stream and group are the names the tutorial uses.
const (
	stream = "user-notifications"
	group  = "group1"
)

// errNotStarted is what a task returns until you write it: its test then
// fails with one line naming the file to open.
var errNotStarted = exercise.ErrNotStarted
