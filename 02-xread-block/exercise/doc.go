// Package exercise is your turn for lesson 02: each task is a function whose
// body returns errNotStarted. Write it, then run, from
// 02-xread-block:
//
//	go test ./exercise/
//
// A task not started fails with one line that names the file to open, a
// wrong answer fails with what the test expected, what it got and a hint
// (which clause of the task's contract broke, and where the README teaches
// it), a right one passes. Each task's doc comment states its contract as
// numbered clauses. README.md, "Your turn", lists the tasks;
// `go run ./scripts/check` at the repository's root shows your progress
// through every stage.
package exercise

import "github.com/streams-workshop/kit/exercise"

// stream is the tutorial's stream of notifications.
const stream = "user-notifications"

// errNotStarted is what a task returns until you write it: its test then
// fails with one line naming the file to open.
var errNotStarted = exercise.ErrNotStarted
