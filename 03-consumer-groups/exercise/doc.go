// Package exercise is your turn for lesson 03: each task is a function whose
// body returns errNotStarted. Write it, then run, from
// 03-consumer-groups:
//
//	go test ./exercise/
//
// A task not started is skipped, a wrong answer fails with a hint, a right
// one passes. README.md, "Your turn", lists the tasks. The tests create the
// group before they call your code.
package exercise

import "github.com/streams-workshop/kit/exercise"

// stream and group are the names the tutorial uses.
const (
	stream = "user-notifications"
	group  = "group1"
)

// errNotStarted is what a task returns until you write it: its test then
// skips, naming the file to open.
var errNotStarted = exercise.ErrNotStarted
