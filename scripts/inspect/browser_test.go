package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/streams-workshop/kit/testkit"
	"github.com/streams-workshop/scripts/services"
)

// pageWait bounds each wait for the page to show something. The page polls
// every second; the services answer in milliseconds.
const pageWait = 30 * time.Second

// TestWebPageInBrowser is what a class sees: the three services running
// against a private Redis, and the live page in a real (headless) browser.
// Orders change the counts without a reload; a payment-service killed with
// entries in hand shows them pending; a poison order shows as a dead letter.
//
// It saves a screenshot in a temporary folder and logs its path. With
// SCREENSHOT_OUT=path it also writes it there (docs/img/inspect-web.png is
// made so).
func TestWebPageInBrowser(t *testing.T) {
	chrome := findChromium(t)
	srv, rdb, target := startRedis(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	bin := t.TempDir()
	if err := services.Build(ctx, filepath.Join("..", ".."), bin); err != nil {
		t.Fatal(err)
	}
	redisURL := srv.Env()["REDIS_URL"]
	start := func(name string, env ...string) (*services.Process, string) {
		t.Helper()
		ready := filepath.Join(t.TempDir(), "ready")
		port, err := testkit.FreePort()
		if err != nil {
			t.Fatal(err)
		}
		cmd := services.Command(ctx, filepath.Join(bin, name))
		cmd.Env = append(os.Environ(), append([]string{"REDIS_URL=" + redisURL,
			fmt.Sprintf("PORT=%d", port), "READY_FILE=" + ready}, env...)...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		p, err := services.Start(cmd)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			p.Stop(5 * time.Second)
			if t.Failed() {
				t.Logf("%s output:\n%s", name, out.String())
			}
		})
		waitUntil(t, name+" ready", func() bool { _, err := os.Stat(ready); return err == nil })
		return p, fmt.Sprintf("http://127.0.0.1:%d", port)
	}
	orderURL := ""
	_, orderURL = start("order-service")
	payment, _ := start("payment-service", "CONSUMER_NAME=payment-1")
	start("notification-service", "CONSUMER_NAME=notify-1")

	// The page's server, in this process: the handler `inspect -web` serves.
	web := httptest.NewServer(webHandler(rdb, target, webOptions{maxScan: 100_000}))
	defer web.Close()

	page := openBrowser(t, chrome)
	must(t, "open the page", chromedp.Do(page,
		chromedp.EmulateViewport(1440, 900),
		chromedp.Navigate(web.URL+"/?lang=en")))
	waitPage(t, page, "both streams and both groups", `
		has('#order-events .num.length') && has('#payment-events') &&
		has('[data-group="order-events/payment-service-group"] .num.pending') &&
		has('[data-group="order-events/notification-service-group"] .num.pending') &&
		has('[data-group="payment-events/notification-service-group"] .num.pending')`)
	// A mark that a reload would wipe out.
	must(t, "mark the page", chromedp.Do(page, evaluate(`window.sameLoad = true`)))

	var orderIDs []string
	for i := 1; i <= 3; i++ {
		orderIDs = append(orderIDs, placeOrder(t, orderURL, fmt.Sprintf("u%d", i), fmt.Sprintf("%d000", i)))
	}
	waitPage(t, page, "three orders, paid and notified", `
		value('#order-events .num.length') === '3' && value('#payment-events .num.length') === '3' &&
		value('[data-group="order-events/payment-service-group"] .num.pending') === '0' &&
		value('[data-group="payment-events/notification-service-group"] .num.pending') === '0' &&
		has('[data-consumer="order-events/payment-service-group/payment-1"]') &&
		window.sameLoad === true`)

	// A poison order, written straight to the stream: the fields are shown as
	// text, never as markup, and the payment service dead-letters it.
	do(t, rdb, "XADD", "order-events", "*", "userId", "<b>mallory</b>", "productId", "p9", "price", "<i>abc</i>", "orderId", "poison-1")
	waitPage(t, page, "the poison order under dead letters", `
		text('[data-dlq="order-events:dlq:payment-service-group"]').includes('price must be a decimal number') &&
		value('[data-dlq="order-events:dlq:payment-service-group"] .num.length') === '1' &&
		text('#order-events .entries').includes('<b>mallory</b>') &&
		document.querySelectorAll('main b, main i').length === 0`)

	// payment-service stops; two orders wait for its group (lag). A slow
	// instance takes both in one batch and is killed with them in hand: they
	// stay pending at it, and the page shows them.
	if err := payment.Stop(10 * time.Second); err != nil {
		t.Fatalf("payment-service: %v", err)
	}
	orderIDs = append(orderIDs, placeOrder(t, orderURL, "u4", "4000"), placeOrder(t, orderURL, "u5", "5000"))
	slow, _ := start("payment-service", "CONSUMER_NAME=payment-2", "PAYMENT_DELAY=15s")
	waitUntil(t, "payment-2 holding two orders", func() bool {
		n, err := rdb.XPending(ctx, "order-events", "payment-service-group").Result()
		return err == nil && n.Count == 2
	})
	if err := slow.Cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-slow.Done()
	waitPage(t, page, "two orders pending at the killed payment-2", `
		value('[data-consumer="order-events/payment-service-group/payment-2"] .num.pending') === '2' &&
		value('[data-group="order-events/payment-service-group"] .num.pending') === '2' &&
		value('#payment-events .num.length') === '3' && window.sameLoad === true`)

	// Follow one of them through the search box.
	must(t, "search an order", chromedp.Do(page,
		chromedp.SetValue(chromedp.CSS("#order-id"), orderIDs[4]),
		chromedp.Click(chromedp.CSS(`#search button[type="submit"]`))))
	waitPage(t, page, "the order's trace, pending at payment-2", fmt.Sprintf(`
		text('#trace h3').includes(%q) &&
		text('#trace [data-stream="order-events"]').includes('pending at payment-2') &&
		!has('#trace [data-stream="payment-events"]') && window.sameLoad === true`, orderIDs[4]))
	must(t, "scroll to the top", chromedp.Do(page, evaluate(`window.scrollTo(0, 0)`)))

	shot, err := chromedp.Run(page, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	dir, err := os.MkdirTemp("", "inspect-web-")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "inspect-web.png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
	if out := os.Getenv("SCREENSHOT_OUT"); out != "" {
		if err := os.WriteFile(out, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot also written to %s", out)
	}

	// The same page in Korean, as -lang ko or a Korean browser shows it.
	must(t, "open the page in Korean", chromedp.Do(page, chromedp.Navigate(web.URL+"/?lang=ko")))
	waitPage(t, page, "Korean labels", `
		text('h1') === 'Redis Streams 실시간 보기' && text('#dead h2') === 'Dead letter' &&
		text('[data-group="order-events/payment-service-group"]').includes('그룹')`)
}

// findChromium finds Debian's chromium (or Chrome). Without it the test
// skips, except on CI, which must run it.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	const msg = "no chromium on PATH: install it (apt-get install chromium) to run the browser test"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// openBrowser starts headless Chromium with a fresh profile. Without the
// background-networking flags it tries to reach Google, and fails noisily.
func openBrowser(t *testing.T, chrome string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1440, 900),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	page, cancelPage := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelPage(); cancelAlloc() })
	// The first run starts the browser, and must not have a timeout (the
	// browser would die with it).
	must(t, "start chromium", chromedp.Do(page))
	return page
}

func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func evaluate(js string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, target *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[any](js)(ctx, target)
		return chromedp.Void{}, err
	}
}

// pageHelpers are short names for the conditions below.
const pageHelpers = `
	const has = (sel) => document.querySelector(sel) !== null;
	const value = (sel) => document.querySelector(sel)?.dataset.value;
	const text = (sel) => document.querySelector(sel)?.textContent ?? '';`

// waitPage polls the page until the condition (a JavaScript expression) is
// true, for at most pageWait. On failure it shows what the page showed.
func waitPage(t *testing.T, page context.Context, what, condition string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(page, pageWait)
	defer cancel()
	fn := fmt.Sprintf(`() => { %s return !!(%s); }`, pageHelpers, condition)
	if _, err := chromedp.Run(ctx, chromedp.PollFunction[bool](fn, chromedp.WithPollingInterval(100*time.Millisecond))); err != nil {
		shown, _ := chromedp.Run(page, chromedp.Evaluate[string](`document.body.innerText`))
		t.Fatalf("the page did not show %s within %s (%v). It showed:\n%s", what, pageWait, err, shown)
	}
}

// waitUntil polls check every 20ms for at most pageWait.
func waitUntil(t *testing.T, what string, check func() bool) {
	t.Helper()
	for deadline := time.Now().Add(pageWait); !check(); {
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %s waiting for %s", pageWait, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// placeOrder places an order through POST /orders and returns its orderId.
func placeOrder(t *testing.T, orderURL, user, price string) string {
	t.Helper()
	body := fmt.Sprintf(`{"userId":%q,"productId":"p1","price":%q}`, user, price)
	resp, err := http.Post(orderURL+"/orders", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var created struct {
		OrderID string `json:"orderId"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&created); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /orders: %s, %v", resp.Status, err)
	}
	return created.OrderID
}
