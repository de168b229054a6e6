package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/redisconn"
	"github.com/streams-workshop/kit/testkit"
)

// What ends a blocking read, with the course's client (redisconn turns on
// ContextTimeoutEnabled): a context's deadline does; a plain cancel does not.
// The README of this lesson says so; these two tests show it.

// testClient starts a Redis for this test and returns a client made as every
// program makes it, and one that tells on sent when its XREAD has left.
func testClient(t *testing.T) (client redis.UniversalClient, sent <-chan struct{}) {
	t.Helper()
	target, err := redisconn.Parse(testkit.StartT(t).Addr())
	if err != nil {
		t.Fatal(err)
	}
	client, err = redisconn.NewClient(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	written := make(chan struct{}, 1)
	client.AddHook(tellOnXRead{written})
	return client, written
}

// within fails the test when done does not come in 10 s: a read that never
// returns is the failure these tests look for, and they must not hang.
func within(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("the blocking read did not return within 10 s")
		return nil
	}
}

func TestDeadlineEndsBlockingRead(t *testing.T) {
	client, _ := testClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- client.XRead(ctx, &redis.XReadArgs{Streams: []string{stream, "$"}, Block: 0}).Err()
	}()
	err := within(t, done)
	if err == nil || errors.Is(err, redis.Nil) {
		t.Fatalf("XREAD BLOCK 0 with a 200 ms deadline returned %v, want a timeout error", err)
	}
	t.Logf("XREAD BLOCK 0 with a deadline: %v", err)
}

func TestCancelDoesNotEndBlockingRead(t *testing.T) {
	client, sent := testClient(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		// From 0-0, so that the entry below ends this read whichever of the
		// two commands Redis runs first.
		done <- client.XRead(ctx, &redis.XReadArgs{Streams: []string{stream, "0-0"}, Block: 0}).Err()
	}()
	<-sent
	cancel() // the read is on its way or blocked: the cancel comes too late for it
	if err := client.XAdd(context.Background(), &redis.XAddArgs{Stream: stream, Values: []string{"user-a", "hi"}}).Err(); err != nil {
		t.Fatal(err)
	}
	if err := within(t, done); err != nil {
		t.Fatalf("after cancel, the blocked XREAD returned %v; want the entry: a cancel does not end a blocking read", err)
	}
}

// tellOnXRead signals once an XREAD has been written to the connection.
type tellOnXRead struct{ written chan<- struct{} }

func (h tellOnXRead) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := next(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return writeSignal{Conn: conn, written: h.written}, nil
	}
}

func (h tellOnXRead) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }

func (h tellOnXRead) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

type writeSignal struct {
	net.Conn
	written chan<- struct{}
}

func (c writeSignal) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if bytes.Contains(bytes.ToLower(p), []byte("xread")) {
		select {
		case c.written <- struct{}{}:
		default:
		}
	}
	return n, err
}
