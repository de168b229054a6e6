// Package repocheck holds tests of the repository as a whole, run by
// `go test work`:
//
//   - copy_test.go: each stage, copied out with kit/ beside it and nothing
//     else, builds, vets and tests alone (GOWORK=off, from its committed
//     go.mod and go.sum).
//   - links_test.go: every relative link in every Markdown file points at a
//     file that exists.
//
// It has no code of its own.
package repocheck
