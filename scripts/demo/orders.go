package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// inFlight bounds the requests under way at once, when a high rate outruns
// the service: the rate then drops to what the service takes.
const inFlight = 16

var httpClient = &http.Client{
	Timeout:   10 * time.Second,
	Transport: &http.Transport{MaxIdleConnsPerHost: inFlight},
}

// placeOrders sends n orders to POST /orders, rate per second (0: no pause),
// and returns once each has its answer, or ctx is done.
func placeOrders(ctx context.Context, baseURL string, n int, rate float64, track *tracker) {
	var tick <-chan time.Time
	if rate > 0 {
		ticker := time.NewTicker(time.Duration(float64(time.Second) / rate))
		defer ticker.Stop()
		tick = ticker.C
	}
	slots := make(chan struct{}, inFlight)
	var wg sync.WaitGroup
	defer wg.Wait()
	for i := range n {
		if i > 0 && tick != nil {
			select {
			case <-tick:
			case <-ctx.Done():
				return
			}
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return
		}
		wg.Go(func() {
			defer func() { <-slots }()
			placeOrder(ctx, baseURL, i, track)
		})
	}
}

// placeOrder sends order number i. Users and products repeat, as in a shop.
func placeOrder(ctx context.Context, baseURL string, i int, track *tracker) {
	body, _ := json.Marshal(map[string]string{
		"userId":    fmt.Sprintf("demo-user-%d", i%7+1),
		"productId": fmt.Sprintf("product-%d", i%5+1),
		"price":     fmt.Sprintf("%d.%02d", 1000+i%90*100, i%100),
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/orders", bytes.NewReader(body))
	if err != nil {
		track.refuse(err.Error())
		return
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := httpClient.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			track.refuse(err.Error())
		}
		return
	}
	defer resp.Body.Close()
	var created struct {
		OrderID string `json:"orderId"`
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusCreated || json.Unmarshal(data, &created) != nil || created.OrderID == "" {
		track.refuse(fmt.Sprintf("%s: %s", resp.Status, strings.TrimSpace(string(data))))
		return
	}
	track.accept(created.OrderID, time.Now())
}
