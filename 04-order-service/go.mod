module github.com/streams-workshop/04-order-service

go 1.26.0
