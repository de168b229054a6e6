// Package repocheck holds tests of the repository as a whole, run by
// `go test work`:
//
//   - copy_test.go: each stage, copied out with kit/ beside it and nothing
//     else, builds, vets and tests alone (GOWORK=off, from its committed
//     go.mod and go.sum).
//   - links_test.go: every relative link in every Markdown file points at a
//     file that exists.
//   - layout_test.go: the README's Layout lists every package folder.
//   - pairs_test.go: every Markdown page has a Korean twin (*.ko.md) with the
//     same headings and the same code blocks, comments apart.
//   - readme_outputs_test.go: the output blocks of README.md and README.ko.md
//     match what the lessons, the services and a stage's go test print, and
//     every page's service start lines match what the services print.
//
// It has no code of its own.
package repocheck
