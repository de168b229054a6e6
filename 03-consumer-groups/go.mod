module github.com/streams-workshop/03-consumer-groups

go 1.26.0
