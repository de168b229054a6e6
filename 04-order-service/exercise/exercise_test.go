package exercise

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/streams-workshop/kit/exercise"
	"github.com/streams-workshop/kit/lang"
	ex "github.com/streams-workshop/kit/testkit/exercisetest"
)

func TestValidateOrder(t *testing.T) {
	ex.StopIfNotStarted(t, ValidateOrder("user-1", "product-1", "1000"), ValidateOrder)
	long := strings.Repeat("x", 65)
	cases := []struct {
		user, product, price string
		ok                   bool
		hint                 string
	}{
		{"user-1", "product-1", "5000", true, ""},
		{"user-1", "product-1", "12.50", true, ""},
		{"user-1", "product-1", "0.01", true, ""},
		{"user-1", "product-1", "7.5", true, ""},
		{"", "product-1", "5000", false, lang.Pick("userId is required", "userId 는 필수입니다")},
		{"user-1", "", "5000", false, lang.Pick("productId is required", "productId 는 필수입니다")},
		{"user 1", "product-1", "5000", false, lang.Pick("no spaces in userId", "userId 에 공백은 안 됩니다")},
		{"user-1", "product\n1", "5000", false, lang.Pick("no control characters in productId", "productId 에 제어 문자는 안 됩니다")},
		{long, "product-1", "5000", false, lang.Pick("userId is at most 64 bytes", "userId 는 64 바이트까지입니다")},
		{"user-1", "product-1", "", false, lang.Pick("price is required", "price 는 필수입니다")},
		{"user-1", "product-1", "0", false, lang.Pick("a price must be greater than 0", "가격은 0 보다 커야 합니다")},
		{"user-1", "product-1", "0.00", false, lang.Pick("a price must be greater than 0", "가격은 0 보다 커야 합니다")},
		{"user-1", "product-1", "-5", false, lang.Pick("no sign: a price is digits, then at most one point and two decimals", "부호는 안 됩니다: 가격은 숫자, 그리고 소수점 하나와 소수 두 자리까지")},
		{"user-1", "product-1", "1e3", false, lang.Pick("ParseFloat accepts 1e3, Inf and 12.345; check the text itself: digits, then at most one point and two decimals", "ParseFloat 는 1e3, Inf, 12.345 도 받아들입니다. 글자 자체를 검사하세요: 숫자, 그리고 소수점 하나와 소수 두 자리까지")},
		{"user-1", "product-1", "Inf", false, lang.Pick("ParseFloat accepts 1e3, Inf and 12.345; check the text itself: digits, then at most one point and two decimals", "ParseFloat 는 1e3, Inf, 12.345 도 받아들입니다. 글자 자체를 검사하세요: 숫자, 그리고 소수점 하나와 소수 두 자리까지")},
		{"user-1", "product-1", "12.345", false, lang.Pick("at most two decimals", "소수는 두 자리까지")},
		{"user-1", "product-1", "5,00", false, lang.Pick("no comma: digits, then at most one point and two decimals", "쉼표는 안 됩니다: 숫자, 그리고 소수점 하나와 소수 두 자리까지")},
	}
	for _, c := range cases {
		err := ValidateOrder(c.user, c.product, c.price)
		call := fmt.Sprintf("ValidateOrder(%q, %q, %q)", c.user, c.product, c.price)
		switch {
		case c.ok && err != nil:
			ex.Fatal(t, ex.Report{
				Want: call + lang.Pick(" = nil: a good order", " = nil: 올바른 주문"),
				Got:  err.Error(),
				Hint: lang.Pick("a price is digits, then at most one point and two decimals: 5000, 12.50, 0.01, 7.5", "가격은 숫자, 그리고 소수점 하나와 소수 두 자리까지: 5000, 12.50, 0.01, 7.5"),
			})
		case !c.ok && err == nil:
			ex.Fatal(t, ex.Report{
				Want: call + lang.Pick(" refused with an error", " 가 오류로 거절됨"),
				Got:  "nil",
				Hint: c.hint,
			})
		case errors.Is(err, exercise.ErrNotStarted):
			ex.Fatal(t, ex.Report{Want: call, Got: err.Error(), Hint: lang.Pick("return nil or a reason for every input", "모든 입력에 nil 이나 이유를 반환하세요")})
		}
	}
}

// post sends body to the handler and returns the status and the JSON answer.
func post(t *testing.T, h http.HandlerFunc, body string) (int, map[string]string, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/orders", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h(rec, req)
	var answer map[string]string
	json.Unmarshal(rec.Body.Bytes(), &answer)
	return rec.Code, answer, strings.TrimSpace(rec.Body.String())
}

func TestOrderHandler(t *testing.T) {
	// OrderHandler uses ValidateOrder: that one comes first.
	ex.StopIfNotStarted(t, ValidateOrder("user-1", "product-1", "1000"), ValidateOrder)
	ctx := context.Background()
	env := ex.Start(t)
	own := env.Client()
	h := OrderHandler(env.Learner())
	good := `{"userId":"user-1","productId":"product-1","price":"12.50"}`

	status, answer, raw := post(t, h, good)
	if status == http.StatusNotImplemented && strings.Contains(raw, exercise.ErrNotStarted.Error()) {
		ex.StopIfNotStarted(t, exercise.ErrNotStarted, OrderHandler)
	}
	msgs, err := own.XRange(ctx, orders, "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	wantFields := map[string]any{"userId": "user-1", "productId": "product-1", "price": "12.50", "orderId": answer["orderId"]}
	if status != http.StatusCreated || len(msgs) != 1 || msgs[0].ID != answer["entryId"] || answer["orderId"] == "" || fmt.Sprint(msgs[0].Values) != fmt.Sprint(wantFields) {
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("POST "+good+" → 201 {\"orderId\", \"entryId\"}, and one entry in order-events with userId, productId, price and orderId, the same orderId and entry ID as in the answer",
				"POST "+good+" → 201 {\"orderId\", \"entryId\"}, 그리고 order-events 에 userId, productId, price, orderId 를 가진 항목 하나 (답과 같은 orderId 와 항목 ID)"),
			Got: fmt.Sprintf("%d %s\n", status, raw) + ex.Entries(t, own, orders),
			Hint: lang.Pick("the contract's fields, all strings: XADD order-events * userId <u> productId <p> price <price> orderId <newOrderID()>; answer 201 with the orderId and XADD's ID",
				"계약의 필드, 모두 문자열: XADD order-events * userId <u> productId <p> price <price> orderId <newOrderID()>; XADD 가 준 ID 와 orderId 로 201 을 답하세요"),
		})
	}

	for _, bad := range []string{
		`{"userId":"user-1","productId":"product-1","price":"-5"}`,
		`{"userId":"","productId":"product-1","price":"5000"}`,
		`{"userId": "user-1", "price": `,
	} {
		status, answer, raw := post(t, h, bad)
		n, err := own.XLen(ctx, orders).Result()
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			ex.Fatal(t, ex.Report{
				Want: lang.Pick("POST "+bad+" → 400, and nothing added to order-events", "POST "+bad+" → 400, order-events 에는 아무것도 추가되지 않음"),
				Got:  fmt.Sprintf("%d %s\n", status, raw) + ex.Entries(t, own, orders),
				Hint: lang.Pick("nothing may be published for a bad order: validate first, and XADD only a good one; a consumer pays whatever reaches the stream",
					"잘못된 주문은 아무것도 발행하면 안 됩니다: 먼저 검증하고, 올바른 주문만 XADD 하세요. consumer 는 stream 에 온 것은 무엇이든 결제합니다"),
			})
		}
		if status != http.StatusBadRequest || answer["error"] == "" {
			ex.Fatal(t, ex.Report{
				Want: lang.Pick("POST "+bad+` → 400 {"error": "..."}`, "POST "+bad+` → 400 {"error": "..."}`),
				Got:  fmt.Sprintf("%d %s", status, raw),
				Hint: lang.Pick(`a bad body or a bad order is the client's fault: respond(w, http.StatusBadRequest, map[string]string{"error": err.Error()})`,
					`잘못된 본문이나 주문은 클라이언트 잘못입니다: respond(w, http.StatusBadRequest, map[string]string{"error": err.Error()})`),
			})
		}
	}

	// Redis is down: the XADD fails.
	status, _, raw = post(t, OrderHandler(env.DeadClient()), good)
	if status != http.StatusServiceUnavailable {
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("with Redis down, 503: the order was not published, and the client may send it again", "Redis 가 죽었으면 503: 주문이 발행되지 않았으니 클라이언트가 다시 보내도 됨"),
			Got:  fmt.Sprintf("%d %s", status, raw),
			Hint: lang.Pick("when XADD returns an error, answer 503 Service Unavailable, not 500: it tells the client that nothing was published and that it may retry",
				"XADD 가 오류를 돌려주면 500 이 아니라 503 Service Unavailable 을 답하세요: 아무것도 발행되지 않았고 다시 시도해도 된다는 뜻입니다"),
		})
	}
}
