package systemtest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/events"
	"github.com/streams-workshop/kit/testkit"
	"github.com/streams-workshop/scripts/services"
)

// instance is one service process started by a fault test.
type instance struct {
	name   string
	proc   *services.Process
	stdout *syncBuffer
	stderr *syncBuffer
}

// syncBuffer is a bytes.Buffer that a process writes while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startService starts the service binary with env on top of the server's,
// waits until it serves, and stops it when the test ends.
func startService(t *testing.T, srv *testkit.Server, service, name string, env ...string) *instance {
	t.Helper()
	port, err := testkit.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	ready := filepath.Join(t.TempDir(), "ready")
	cmd := services.Command(context.Background(), filepath.Join(binDir, service))
	cmd.Env = append(os.Environ(), "REDIS_URL="+srv.URL(""), fmt.Sprint("PORT=", port), "READY_FILE="+ready,
		"CONSUMER_NAME="+name, "LOG_LEVEL=info")
	cmd.Env = append(cmd.Env, env...)
	in := &instance{name: name, stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	cmd.Stdout, cmd.Stderr = in.stdout, in.stderr
	if in.proc, err = services.Start(cmd); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := in.proc.Stop(10 * time.Second); err != nil {
			t.Errorf("%s: %v\n%s", name, err, in.stderr)
		}
	})
	waitFor(t, 30*time.Second, name+" serves", func() bool {
		_, err := os.Stat(ready)
		return err == nil
	})
	return in
}

// waitFor polls until ok, and fails the test after limit.
func waitFor(t *testing.T, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(limit); !ok(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %v waiting until %s", limit, what)
		}
	}
}

// placeOrders writes n orders o1..on to order-events at about perSecond,
// in small pipelined bursts, and calls during(i) after the i-th burst.
func placeOrders(t *testing.T, rdb *redis.Client, n, perSecond int, during func(placed int)) {
	t.Helper()
	ctx := context.Background()
	const burst = 10
	tick := time.NewTicker(time.Second * burst / time.Duration(perSecond))
	defer tick.Stop()
	for placed := 0; placed < n; {
		pipe := rdb.Pipeline()
		for range min(burst, n-placed) {
			placed++
			o := events.Order{OrderID: fmt.Sprint("o", placed), UserID: "u", ProductID: "p", Price: "10"}
			pipe.XAdd(ctx, &redis.XAddArgs{Stream: events.OrderStream, Values: o.Fields()})
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
		during(placed)
		<-tick.C
	}
}

// paymentsPerOrder counts payment-events' payments by orderId.
func paymentsPerOrder(t *testing.T, rdb *redis.Client) map[string]int {
	t.Helper()
	payments, err := rdb.XRange(context.Background(), events.PaymentStream, "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, m := range payments {
		count[fmt.Sprint(m.Values["orderId"])]++
	}
	return count
}

// TestGroupDestroyedUnderLoadPaysOnce: someone runs XGROUP DESTROY on
// payment-service-group, twice, while orders flow and two or three
// payment-service instances race to create it again. Every order is paid,
// and none twice: the paid records are the fence, not the group.
func TestGroupDestroyedUnderLoadPaysOnce(t *testing.T) {
	const orders, runs = 1500, 2
	for _, instances := range []int{2, 3} {
		for run := 1; run <= runs; run++ {
			t.Run(fmt.Sprintf("%d instances, run %d", instances, run), func(t *testing.T) {
				srv := testkit.StartT(t)
				rdb := srv.Client()
				ctx := context.Background()
				var payers []*instance
				for i := 1; i <= instances; i++ {
					payers = append(payers, startService(t, srv, "payment-service", fmt.Sprint("payer-", i), "BATCH_SIZE=20"))
				}
				destroyed := 0
				placeOrders(t, rdb, orders, 1000, func(placed int) {
					if placed == orders/3 || placed == 2*orders/3 {
						if err := rdb.XGroupDestroy(ctx, events.OrderStream, events.PaymentGroup).Err(); err != nil {
							t.Fatal(err)
						}
						destroyed++
					}
				})
				if destroyed != 2 {
					t.Fatalf("destroyed the group %d times, want 2", destroyed)
				}
				waitFor(t, 60*time.Second, "every order is paid", func() bool {
					return len(paymentsPerOrder(t, rdb)) == orders
				})
				// The replays after each destroy end too: nothing pending, everything delivered.
				last := rdb.XRevRangeN(ctx, events.OrderStream, "+", "-", 1).Val()[0].ID
				waitFor(t, 60*time.Second, "the group has delivered and acked every entry", func() bool {
					groups, err := rdb.XInfoGroups(ctx, events.OrderStream).Result()
					return err == nil && len(groups) == 1 && groups[0].LastDeliveredID == last && groups[0].Pending == 0
				})
				var twice []string
				for id, n := range paymentsPerOrder(t, rdb) {
					if n > 1 {
						twice = append(twice, fmt.Sprintf("%s (%d times)", id, n))
					}
				}
				if len(twice) > 0 {
					t.Errorf("%d orders paid more than once: %s", len(twice), strings.Join(twice[:min(5, len(twice))], ", "))
				}
				replayed, logged := 0, 0
				for _, p := range payers {
					replayed += strings.Count(p.stdout.String(), "Already paid")
					logged += strings.Count(p.stderr.String(), "the group is gone")
				}
				if logged == 0 {
					t.Errorf("no instance logged that the group was lost")
				}
				if replayed == 0 {
					t.Errorf("no order was delivered again after the group was destroyed: the test did not test the fence")
				}
				t.Logf("%d orders, %d instances: %d deliveries after a destroy skipped as paid", orders, instances, replayed)
			})
		}
	}
}
