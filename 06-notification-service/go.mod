module github.com/streams-workshop/06-notification-service

go 1.26.0
