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

// The projector the page is made for: 1280×720, the usual classroom beamer.
const projectorWidth, projectorHeight = 1280, 720

// TestWebPageInBrowser is what a class sees: the three services running
// against a private Redis, and the live page in a real (headless) browser at
// 1280×720. Orders change the counts without a reload; a payment-service
// killed with entries in hand shows them pending; a poison order shows as a
// dead letter; entries trimmed before a group read them are counted apart
// from its lag. At each step, in English and in Korean, the page fits the
// projector: nothing scrolls sideways or spills out of its card, no word is
// cut in two, and the flow from order-service to notification-service is on
// the first screen.
//
// It saves screenshots of what the projector shows, in both languages, and of
// the whole page, in $TEST_ARTIFACTS or else a new temporary folder, and
// logs their paths. With SCREENSHOT_OUT=path it also writes the whole page
// there (docs/img/inspect-web.png is made so).
func TestWebPageInBrowser(t *testing.T) {
	testkit.Slow(t, "the system and the live page in Chromium")
	chrome := findChromium(t)
	srv, rdb, target := startRedis(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	shots := artifactDir(t)
	hangul, known := koreanFont(t)

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
	// Names as long as a class's: two instances of payment-service, and
	// notification-service with the default, host:port.
	const payment1, payment2 = "payment-service-instance-1", "payment-service-instance-2"
	orderURL := ""
	_, orderURL = start("order-service")
	payment, _ := start("payment-service", "CONSUMER_NAME="+payment1)
	start("notification-service", "CONSUMER_NAME=")

	// The page's server, in this process: the handler `inspect -web` serves.
	web := httptest.NewServer(webHandler(rdb, target, webOptions{maxScan: 100_000}))
	defer web.Close()

	page := openBrowser(t, chrome)
	must(t, "open the page", chromedp.Do(page,
		chromedp.EmulateViewport(projectorWidth, projectorHeight),
		chromedp.Navigate(web.URL+"/?lang=en")))
	waitPage(t, page, "both streams and both groups", `
		has('#order-events .num.length') && has('#payment-events') &&
		has('[data-group="order-events/payment-service-group"] .num.pending') &&
		has('[data-group="order-events/notification-service-group"] .num.pending') &&
		has('[data-group="payment-events/notification-service-group"] .num.pending')`)
	// A mark that a reload would wipe out.
	must(t, "mark the page", chromedp.Do(page, evaluate(`window.sameLoad = true`)))
	// Without a font for Hangul, the page says which to install, in English.
	if known {
		waitPage(t, page, fmt.Sprintf("the note on Korean fonts hidden: %v", hangul),
			fmt.Sprintf(`document.getElementById('font-note').hidden === %v`, hangul))
	}

	var orderIDs []string
	for i := 1; i <= 3; i++ {
		orderIDs = append(orderIDs, placeOrder(t, orderURL, fmt.Sprintf("u%d", i), fmt.Sprintf("%d000", i)))
	}
	waitPage(t, page, "three orders, paid and notified", fmt.Sprintf(`
		value('#order-events .num.length') === '3' && value('#payment-events .num.length') === '3' &&
		value('[data-group="order-events/payment-service-group"] .num.pending') === '0' &&
		value('[data-group="payment-events/notification-service-group"] .num.pending') === '0' &&
		has('[data-consumer="order-events/payment-service-group/%s"]') &&
		window.sameLoad === true`, payment1))

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
	slow, _ := start("payment-service", "CONSUMER_NAME="+payment2, "PAYMENT_DELAY=15s")
	waitUntil(t, "payment-2 holding two orders", func() bool {
		n, err := rdb.XPending(ctx, "order-events", "payment-service-group").Result()
		return err == nil && n.Count == 2
	})
	if err := slow.Cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-slow.Done()
	waitPage(t, page, "two orders pending at the killed payment-2", fmt.Sprintf(`
		value('[data-consumer="order-events/payment-service-group/%s"] .num.pending') === '2' &&
		value('[data-group="order-events/payment-service-group"] .num.pending') === '2' &&
		value('#payment-events .num.length') === '3' && window.sameLoad === true`, payment2))

	// What the projector shows: the page fits it.
	screenshot(t, page, filepath.Join(shots, "liveview-1280x720-en.png"), false)
	checkProjector(t, page, "English")

	// Follow one of them through the search box.
	must(t, "search an order", chromedp.Do(page,
		chromedp.SetValue(chromedp.CSS("#order-id"), orderIDs[4]),
		chromedp.Click(chromedp.CSS(`#search button[type="submit"]`))))
	waitPage(t, page, "the order's trace, pending at payment-2", fmt.Sprintf(`
		text('#trace h3').includes(%q) &&
		text('#trace [data-stream="order-events"]').includes('pending at %s') &&
		!has('#trace [data-stream="payment-events"]') && window.sameLoad === true`, orderIDs[4], payment2))
	checkWidth(t, page, "English, following an order")
	must(t, "scroll to the top", chromedp.Do(page, evaluate(`window.scrollTo(0, 0)`)))
	full := screenshot(t, page, filepath.Join(shots, "inspect-web.png"), true)
	if out := os.Getenv("SCREENSHOT_OUT"); out != "" {
		if err := os.WriteFile(out, full, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot also written to %s", out)
	}

	// The same page in Korean, as -lang ko or a Korean browser shows it.
	must(t, "open the page in Korean", chromedp.Do(page, chromedp.Navigate(web.URL+"/?lang=ko")))
	waitPage(t, page, "Korean labels and the killed payment-2", fmt.Sprintf(`
		text('h1') === 'Redis Streams 실시간 보기' && text('#dead h2') === 'Dead letter' &&
		text('[data-group="order-events/payment-service-group"]').includes('그룹') &&
		text('#order-service .caption').includes('받아') &&
		value('[data-consumer="order-events/payment-service-group/%s"] .num.pending') === '2'`, payment2))
	screenshot(t, page, filepath.Join(shots, "liveview-1280x720-ko.png"), false)
	checkProjector(t, page, "Korean")

	// Trimming. payment-service-group is down (its instance was killed), three
	// more orders come, and order-events is trimmed to its newest entry: two
	// were trimmed before the group read them. Redis's lag still counts them;
	// the page counts them apart, and says why.
	srvInfo, err := readServer(ctx, rdb)
	if err != nil {
		t.Fatal(err)
	}
	if srvInfo.embedded() {
		t.Log("the embedded Redis keeps no lag: trimming is checked against redis-server (REDIS_TEST=real)")
		return
	}
	for i := 6; i <= 8; i++ {
		placeOrder(t, orderURL, fmt.Sprintf("u%d", i), "100")
	}
	waitPage(t, page, "notification-service up to date", `
		value('[data-group="order-events/notification-service-group"] .num.lag') === '0' &&
		value('[data-group="order-events/payment-service-group"] .num.lag') === '3'`)
	do(t, rdb, "XTRIM", "order-events", "MAXLEN", "1")
	must(t, "open the page in English", chromedp.Do(page, chromedp.Navigate(web.URL+"/?lang=en")))
	waitPage(t, page, "two entries trimmed, one still to read", `
		value('[data-group="order-events/payment-service-group"] .num.lag') === '1' &&
		value('[data-group="order-events/payment-service-group"] .num.trimmed') === '2' &&
		text('[data-group="order-events/payment-service-group"] .trimmed-note').includes('not counted in lag') &&
		value('#order-events .num.length') === '1'`)
	screenshot(t, page, filepath.Join(shots, "liveview-1280x720-trimmed.png"), false)
	checkProjector(t, page, "English, after trimming")
}

// artifactDir is where the screenshots go: $TEST_ARTIFACTS, or a new
// temporary folder that outlives the test.
func artifactDir(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("TEST_ARTIFACTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	dir, err := os.MkdirTemp("", "inspect-web-")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// screenshot saves what the browser shows (or the whole page) as a PNG, and
// logs where.
func screenshot(t *testing.T, page context.Context, path string, whole bool) []byte {
	t.Helper()
	shot := chromedp.CaptureScreenshot()
	if whole {
		shot = chromedp.FullScreenshot(100)
	}
	png, err := chromedp.Run(page, shot)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
	return png
}

// koreanFont reports whether an installed font has Hangul, as fontconfig
// (fc-list) tells, and whether it could tell. Without one the Korean
// screenshot shows boxes, though the layout checks still hold.
func koreanFont(t *testing.T) (has, known bool) {
	out, err := exec.Command("fc-list", ":lang=ko", "family").Output()
	if err != nil {
		return false, false
	}
	has = len(bytes.TrimSpace(out)) > 0
	if !has {
		t.Log("no font with Hangul here: the Korean screenshot shows boxes (apt-get install fonts-noto-cjk)")
	}
	return has, true
}

// checkProjector checks the page as the projector shows it, scrolled to the
// top: checkWidth, and the flow from order-service to notification-service
// within the first screen.
func checkProjector(t *testing.T, page context.Context, what string) {
	t.Helper()
	must(t, "scroll to the top", chromedp.Do(page, evaluate(`window.scrollTo(0, 0)`)))
	problems, err := chromedp.Run(page, chromedp.Evaluate[[]string](`(() => {
		const problems = [];
		for (const id of ['order-service', 'order-events', 'payment-service', 'payment-events', 'notification-service']) {
			const r = document.getElementById(id).getBoundingClientRect();
			if (r.top < 0 || r.bottom > window.innerHeight) {
				problems.push('#' + id + ' is not on the first screen: from ' + Math.round(r.top) + ' to ' + Math.round(r.bottom) +
					' px of ' + window.innerHeight);
			}
		}
		return problems;
	})()`))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	for _, p := range problems {
		t.Errorf("%s, at %d×%d: %s", what, projectorWidth, projectorHeight, p)
	}
	checkWidth(t, page, what)
}

// checkWidth checks that the page fits its width: it does not scroll
// sideways, no card's content spills out of it, no word is cut in two
// across lines (names such as payment-service-instance-2 or host:port, and
// Korean words), and a name cut short with "…" has its whole text in a
// tooltip.
func checkWidth(t *testing.T, page context.Context, what string) {
	t.Helper()
	problems, err := chromedp.Run(page, chromedp.Evaluate[[]string](layoutCheck))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	for _, p := range problems {
		t.Errorf("%s, at %d×%d: %s", what, projectorWidth, projectorHeight, p)
	}
}

// layoutCheck is the JavaScript of checkWidth: it returns what is wrong.
const layoutCheck = `(() => {
	const problems = [];
	const label = (e) => e.id ? '#' + e.id : (e.dataset.group || e.dataset.dlq || e.dataset.consumer || e.dataset.stream);
	const name = (e) => {
		const own = label(e) || (e.tagName.toLowerCase() + (e.className ? '.' + e.className.trim().replace(/ +/g, '.') : ''));
		for (let up = e.parentElement; up; up = up.parentElement) {
			if (label(up)) return own + ' in ' + label(up);
		}
		return own;
	};
	const doc = document.documentElement;
	if (doc.scrollWidth > window.innerWidth || doc.scrollWidth > doc.clientWidth) {
		problems.push('the page scrolls sideways: ' + doc.scrollWidth + ' px wide in ' + doc.clientWidth);
	}
	for (const card of document.querySelectorAll('.box, .group, .panel, .dlq, .entry, .step, header, main')) {
		if (card.getClientRects().length && card.scrollWidth > card.clientWidth + 1) {
			problems.push(name(card) + ' spills out of its card: ' + card.scrollWidth + ' px of content in ' + card.clientWidth);
		}
	}
	// A word is cut when its boxes lie on more than one line: a box that
	// starts below the bottom of the one before.
	const range = document.createRange();
	const lines = (rects) => {
		let n = 0, bottom = -Infinity;
		for (const r of rects) {
			if (r.width === 0 && r.height === 0) continue;
			if (r.top >= bottom - 2) n++;
			bottom = Math.max(bottom, r.bottom);
		}
		return n;
	};
	const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	for (let node = walker.nextNode(); node; node = walker.nextNode()) {
		for (const m of node.textContent.matchAll(/\S+/g)) {
			range.setStart(node, m.index);
			range.setEnd(node, m.index + m[0].length);
			if (lines(range.getClientRects()) > 1) {
				problems.push('"' + m[0] + '" is cut across lines in ' + name(node.parentElement));
			}
		}
	}
	// Names stay on one line, even where they are made of several words.
	for (const e of document.querySelectorAll('td.name, th, .stat .label, .num, h1, h3, .entry .id, .last-id, .endpoints code, .arrow span, .kind, .badge, .delivery code')) {
		range.selectNodeContents(e);
		if (lines(range.getClientRects()) > 1) {
			problems.push(name(e) + ' "' + e.textContent + '" takes more than one line');
		}
	}
	// Cut short with "…": the tooltip has it all.
	for (const e of document.querySelectorAll('*')) {
		if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).textOverflow === 'ellipsis' && !e.closest('[title]')) {
			problems.push(name(e) + ' "' + e.textContent + '" is cut short without a tooltip');
		}
	}
	return problems;
})()`

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
		chromedp.WindowSize(projectorWidth, projectorHeight),
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
