package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/streams-workshop/kit/events"
)

// FuzzDecodeOrder feeds POST /orders bodies to decodeOrder and the validation
// after it. No body may panic; each gets 400, 413, 415 or passes; a passing
// body is one valid JSON object; an error is one line. The seed corpus is in
// testdata/fuzz/FuzzDecodeOrder. To look further:
//
//	go test -run '^$' -fuzz=FuzzDecodeOrder -fuzztime=60s ./04-order-service/
func FuzzDecodeOrder(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		r := httptest.NewRequest(http.MethodPost, "/orders", bytes.NewReader(body))
		r.Header.Set("Content-Type", contentType)
		req, status, err := decodeOrder(httptest.NewRecorder(), r)
		if err != nil {
			switch status {
			case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
			default:
				t.Fatalf("error %v with status %d", err, status)
			}
			if msg := err.Error(); msg == "" || strings.ContainsAny(msg, "\r\n") {
				t.Fatalf("error %q is not one line", msg)
			}
			return
		}
		if status != 0 {
			t.Fatalf("status %d without an error", status)
		}
		var object map[string]json.RawMessage
		if json.Unmarshal(body, &object) != nil {
			t.Fatalf("accepted %q, which is not one JSON object", body)
		}
		if err := events.ValidateOrder(req.UserID, req.ProductID, string(req.Price)); err == nil {
			// A valid price is kept as written: a number is never reformatted.
			// And it came from the key "price" itself: checkKeys refuses
			// "Price" and a repeated key, which encoding/json would take.
			kept := false
			for k, raw := range object {
				text := string(raw) // a number, as written
				json.Unmarshal(raw, &text)
				kept = kept || k == "price" && text == string(req.Price)
			}
			if !kept {
				t.Fatalf("the price of %q became %q", body, req.Price)
			}
		}
	})
}
