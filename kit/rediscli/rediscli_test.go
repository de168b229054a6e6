package rediscli

import (
	"bytes"
	"context"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

func echoClient(t *testing.T, prefix string) (*redis.Client, *bytes.Buffer) {
	t.Helper()
	srv := miniredis.RunT(t)
	client := redis.NewClient(&redis.Options{Addr: srv.Addr(), DisableIdentity: true})
	t.Cleanup(func() { client.Close() })
	var out bytes.Buffer
	client.AddHook(Echo{W: &out, Prefix: prefix})
	return client, &out
}

func TestEchoPrefixStartsEveryLine(t *testing.T) {
	client, out := echoClient(t, "listener | ")
	ctx := context.Background()
	client.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "1-1", Values: []string{"user-a", "hi"}})
	client.XRange(ctx, "s", "-", "+")
	want := `listener | > XADD s 1-1 user-a hi
listener | "1-1"
listener | > XRANGE s - +
listener | 1) 1) "1-1"
listener |    2) 1) "user-a"
listener |       2) "hi"
`
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}

func TestEchoWithoutPrefix(t *testing.T) {
	client, out := echoClient(t, "")
	client.Get(context.Background(), "missing")
	if want := "> GET missing\n(nil)\n"; out.String() != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

// redis-cli shows an XPENDING summary with nothing pending as four lines, the
// last one (nil).
func TestEchoXPendingNothingPending(t *testing.T) {
	client, out := echoClient(t, "")
	ctx := context.Background()
	client.XGroupCreateMkStream(ctx, "s", "g", "$")
	out.Reset()
	client.XPending(ctx, "s", "g")
	want := "> XPENDING s g\n1) (integer) 0\n2) (nil)\n3) (nil)\n4) (nil)\n"
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
}
