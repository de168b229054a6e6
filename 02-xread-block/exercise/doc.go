// Package exercise is your turn for lesson 02: each task is a function whose
// body returns errNotStarted. Write it, then run, from
// 02-xread-block:
//
//	go test ./exercise/
//
// A task not started is skipped, a wrong answer fails with a hint, a right
// one passes. README.md, "Your turn", lists the tasks.
package exercise

import "github.com/streams-workshop/kit/exercise"

// stream is the tutorial's stream of notifications.
const stream = "user-notifications"

// errNotStarted is what a task returns until you write it: its test then
// skips, naming the file to open.
var errNotStarted = exercise.ErrNotStarted
