module github.com/streams-workshop/05-payment-service

go 1.26.0
