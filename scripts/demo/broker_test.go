package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/testkit"
)

// A service of yours that has waited in XREADGROUP for a while: before Redis
// 7.2 its consumer's idle time keeps growing, but its connection is there,
// reading. The warning must come either way.
func TestWarnIfSharedSeesAWaitingReader(t *testing.T) {
	srv := testkit.StartT(t)
	ctx := t.Context()
	client := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer client.Close()
	if err := client.XGroupCreateMkStream(ctx, events.OrderStream, events.PaymentGroup, "$").Err(); err != nil {
		t.Fatal(err)
	}
	if n := readersWaiting(ctx, client); n != 0 {
		t.Fatalf("readersWaiting with no reader = %d, want 0", n)
	}

	// The service read an order (Redis 7.0 makes its consumer then), and waits again.
	service := redis.NewClient(&redis.Options{Addr: srv.Addr(), ReadTimeout: -1})
	defer service.Close()
	client.XAdd(ctx, &redis.XAddArgs{Stream: events.OrderStream, Values: []string{"userId", "u1"}})
	if err := service.XReadGroup(ctx, &redis.XReadGroupArgs{Group: events.PaymentGroup, Consumer: "step4",
		Streams: []string{events.OrderStream, ">"}, Block: -1}).Err(); err != nil {
		t.Fatalf("the first read: %v", err)
	}
	reading, stopReading := context.WithCancel(ctx)
	defer stopReading()
	go service.XReadGroup(reading, &redis.XReadGroupArgs{Group: events.PaymentGroup, Consumer: "step4",
		Streams: []string{events.OrderStream, ">"}, Block: time.Minute})

	if mode, _ := testkit.Mode(); mode != "real" {
		return // the embedded broker has no CLIENT LIST, and says nothing of the reader
	}
	deadline := time.Now().Add(5 * time.Second)
	for readersWaiting(ctx, client) != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("readersWaiting stayed at %d with one connection blocked in XREADGROUP, want 1", readersWaiting(ctx, client))
		}
		time.Sleep(10 * time.Millisecond)
	}
	// As if it had read long ago: only its connection says it runs.
	defer func(was time.Duration) { activeWithin = was }(activeWithin)
	activeWithin = 0
	var stdout bytes.Buffer
	warnIfShared(ctx, client, newOutput(&stdout, &stdout))
	if !strings.Contains(stdout.String(), "payment-service-group on order-events has a consumer, step4, and 1 connections to this Redis are reading with XREADGROUP") {
		t.Errorf("warnIfShared said %q; want a warning about step4 in payment-service-group", stdout.String())
	}
}
