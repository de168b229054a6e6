module github.com/streams-workshop/02-xread-block

go 1.26.0
