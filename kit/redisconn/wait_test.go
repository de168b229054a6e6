package redisconn

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// A service started before its Redis waits for it, logging each try, and
// goes on as soon as it answers.
func TestWaitForRedisThatComesLater(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there yet
	client, target, err := Client(func(string) string { return addr })
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	var log bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&log, nil))
	m := miniredis.NewMiniRedis()
	defer m.Close()
	time.AfterFunc(600*time.Millisecond, func() { m.StartAddr(addr) })
	if err := Wait(context.Background(), client, target, logger, Redis70); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if !strings.Contains(log.String(), `msg="waiting for Redis: /readyz answers 503 until it answers" redis=`+addr+` try=1 nextTryIn=250ms`) {
		t.Errorf("want a line per try, with the next wait:\n%s", log.String())
	}
}

// What waiting cannot fix ends the wait at once: here, a wrong password.
func TestWaitEndsAtOnceForWrongPassword(t *testing.T) {
	m := miniredis.RunT(t)
	m.RequireAuth("right")
	client, target, err := Client(func(string) string { return "redis://:wrong@" + m.Addr() })
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	err = Wait(ctx, client, target, slog.New(slog.DiscardHandler))
	var unreachable *UnreachableError
	if !errors.As(err, &unreachable) || !strings.Contains(err.Error(), "refused the credentials") || ctx.Err() != nil {
		t.Errorf("Wait with a wrong password = %v, want the credentials refused at once", err)
	}
}
