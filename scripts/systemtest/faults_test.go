package systemtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
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
	port   int
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
	in := &instance{name: name, port: port, stdout: &syncBuffer{}, stderr: &syncBuffer{}}
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
	testkit.Slow(t, "a fault scenario under load")
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

// TestClientKillStormResendsNoBatch: a CLIENT KILL of every service
// connection every 100ms for 10s, while 150 orders a second flow through
// payment-service and notification-service. Lost replies are retried
// where they were lost: at most 1% of notifications go out twice, none is
// lost, no order is paid twice, and nothing is dead-lettered.
func TestClientKillStormResendsNoBatch(t *testing.T) {
	testkit.Slow(t, "a fault scenario under load")
	if mode, _ := testkit.Mode(); mode != "real" {
		t.Skip("CLIENT KILL needs a real redis-server (REDIS_TEST=real)")
	}
	const perSecond, orders = 150, 1500
	srv := testkit.StartT(t)
	// The producer: one connection, never killed, never retried.
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr(), ClientName: "storm-spared", MaxRetries: -1})
	defer rdb.Close()
	ctx := context.Background()
	payer := startService(t, srv, "payment-service", "payer")
	notifier := startService(t, srv, "notification-service", "notifier")

	killer := redis.NewClient(&redis.Options{Addr: srv.Addr(), ClientName: "storm-spared"})
	defer killer.Close()
	stop := make(chan struct{})
	stormDone := make(chan int)
	go func() {
		kills := 0
		for tick := time.Tick(100 * time.Millisecond); ; {
			select {
			case <-stop:
				stormDone <- kills
				return
			case <-tick:
			}
			list, err := killer.ClientList(ctx).Result()
			if err != nil {
				continue
			}
			for line := range strings.Lines(list) {
				var id int64
				if _, err := fmt.Sscanf(line, "id=%d", &id); err == nil && !strings.Contains(line, " name=storm-spared ") {
					if killer.Do(ctx, "CLIENT", "KILL", "ID", id).Err() == nil {
						kills++
					}
				}
			}
		}
	}()
	placeOrders(t, rdb, orders, perSecond, func(int) {})
	close(stop)
	kills := <-stormDone

	waitFor(t, 60*time.Second, "every order is notified by mail and SMS", func() bool {
		out := notifier.stdout.String()
		return len(notifications(out, "mail:")) == orders && len(notifications(out, "sms:")) == orders
	})
	for group, stream := range map[string]string{events.PaymentGroup: events.OrderStream,
		events.NotificationGroup + " orders": events.OrderStream, events.NotificationGroup: events.PaymentStream} {
		group, _, _ = strings.Cut(group, " ")
		waitFor(t, 30*time.Second, group+" has nothing pending on "+stream, func() bool {
			p, err := rdb.XPending(ctx, stream, group).Result()
			return err == nil && p.Count == 0
		})
		if n := rdb.XLen(ctx, events.DeadLetterStream(stream, group)).Val(); n != 0 {
			t.Errorf("%d entries of %s dead-lettered by %s: a fault of Redis counted as a delivery", n, stream, group)
		}
	}
	sent, duplicates := 0, 0
	for _, prefix := range []string{"mail:", "sms:"} {
		for _, n := range notifications(notifier.stdout.String(), prefix) {
			sent += n
			duplicates += n - 1
		}
	}
	for id, n := range paymentsPerOrder(t, rdb) {
		if n != 1 {
			t.Errorf("order %s paid %d times", id, n)
		}
	}
	t.Logf("%d kills; %d notifications for %d orders: %d duplicates (%.2f%%)", kills, sent, orders, duplicates,
		100*float64(duplicates)/float64(2*orders))
	if kills < 50 {
		t.Errorf("only %d connections killed: the storm did not storm", kills)
	}
	if duplicates*100 > 2*orders {
		t.Errorf("%d duplicate notifications of %d, more than 1%%\n%s", duplicates, 2*orders, lastLines(notifier.stderr.String(), 20))
	}
	_ = payer
}

// notifications counts the notification lines by notificationId, for the
// IDs that start with prefix ("mail:" or "sms:").
func notifications(out, prefix string) map[string]int {
	count := map[string]int{}
	for line := range strings.Lines(out) {
		_, rest, ok := strings.Cut(line, "notificationId: "+prefix)
		if id, _, _ := strings.Cut(rest, " "); ok {
			count[id]++
		}
	}
	return count
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// TestTrimmedBeforeDeliveryIsCounted: payment-service is paused while 4,500
// orders arrive into an order-events trimmed to about 2,000. The orders
// trimmed before the group read them are never paid; the service counts them
// exactly, on /metrics, /stats and in its log, and the lag drains to 0.
func TestTrimmedBeforeDeliveryIsCounted(t *testing.T) {
	testkit.Slow(t, "a fault scenario under load")
	if mode, _ := testkit.Mode(); mode != "real" {
		t.Skip("entries-added (XINFO STREAM) needs a real redis-server (REDIS_TEST=real)")
	}
	const before, during, maxLen = 100, 4500, 2000
	srv := testkit.StartT(t)
	rdb := srv.Client()
	ctx := context.Background()
	payer := startService(t, srv, "payment-service", "payer")
	add := func(from, n int) {
		pipe := rdb.Pipeline()
		for i := from; i < from+n; i++ {
			o := events.Order{OrderID: fmt.Sprint("o", i), UserID: "u", ProductID: "p", Price: "10"}
			pipe.XAdd(ctx, &redis.XAddArgs{Stream: events.OrderStream, MaxLen: maxLen, Approx: true, Values: o.Fields()})
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	add(1, before)
	waitFor(t, 30*time.Second, "the first orders are paid", func() bool { return len(paymentsPerOrder(t, rdb)) == before })

	if err := syscall.Kill(payer.proc.Pid(), syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	add(before+1, during)
	if err := syscall.Kill(payer.proc.Pid(), syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	last := rdb.XRevRangeN(ctx, events.OrderStream, "+", "-", 1).Val()[0].ID
	waitFor(t, 60*time.Second, "the group has read and acked every entry left", func() bool {
		groups, err := rdb.XInfoGroups(ctx, events.OrderStream).Result()
		return err == nil && len(groups) == 1 && groups[0].LastDeliveredID == last && groups[0].Pending == 0
	})
	neverPaid := before + during - len(paymentsPerOrder(t, rdb))
	if neverPaid < during-maxLen-200 {
		t.Fatalf("only %d orders never paid: the test did not trim what it meant to", neverPaid)
	}

	var stats struct {
		Consumers []struct {
			Lag                *int64 `json:"lag"`
			TrimmedUndelivered *int64 `json:"trimmedUndelivered"`
		} `json:"consumers"`
	}
	waitFor(t, 30*time.Second, "/stats reports the trimmed entries", func() bool {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/stats", payer.port))
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		return json.NewDecoder(resp.Body).Decode(&stats) == nil && len(stats.Consumers) == 1 &&
			stats.Consumers[0].TrimmedUndelivered != nil && *stats.Consumers[0].TrimmedUndelivered > 0
	})
	if got := *stats.Consumers[0].TrimmedUndelivered; got != int64(neverPaid) {
		t.Errorf("/stats: trimmedUndelivered %d, want %d, the orders never paid", got, neverPaid)
	}
	if lag := stats.Consumers[0].Lag; lag == nil || *lag != 0 {
		t.Errorf("/stats: lag %v, want 0: the trimmed entries are counted apart", lag)
	}
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", payer.port))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := fmt.Sprintf("consumer_entries_trimmed_before_delivery_total{group=%q,stream=%q} %d\n", events.PaymentGroup, events.OrderStream, neverPaid)
	if !strings.Contains(string(body), want) {
		t.Errorf("/metrics has no line %q", want)
	}
	waitFor(t, 30*time.Second, "the log says how many were trimmed", func() bool {
		return strings.Contains(payer.stderr.String(), fmt.Sprintf("total=%d", neverPaid))
	})
	t.Logf("%d orders never paid, all counted as trimmed before delivery", neverPaid)
}
