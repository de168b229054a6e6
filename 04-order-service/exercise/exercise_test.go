package exercise

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/exercise"
	"github.com/streams-workshop/kit/lang"
	ex "github.com/streams-workshop/kit/testkit/exercisetest"
)

// Where the README teaches each task, in the learner's language (chosen
// once the flags are parsed, so not at init).
func refusedSection() string {
	return lang.Pick(`README.md, "What is refused (and nothing is published)"`, `README.ko.md, "거절되는 것(그리고 아무것도 발행되지 않는다)"`)
}
func priceSection() string { return lang.Pick(`README.md, "The price"`, `README.ko.md, "가격"`) }
func endpoints() string {
	return lang.Pick(`README.md, "Endpoints"`, `README.ko.md, "엔드포인트"`)
}
func redisDown() string {
	return lang.Pick(`README.md, "When Redis is down"`, `README.ko.md, "Redis가 죽었을 때"`)
}

// callPure calls f, a call into the learner's code that needs no Redis, with
// a deadline. A panic comes back as an error.
func callPure[T any](t *testing.T, what string, f func() T) (T, error) {
	t.Helper()
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			if p := recover(); p != nil {
				r.err = fmt.Errorf("panic: %v", p)
			}
			done <- r
		}()
		r.v = f()
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-time.After(ex.CallLimit):
		ex.Fatal(t, ex.Report{
			Want: lang.Pick(what+" returns at once", what+": 곧바로 돌아옴"),
			Got:  lang.Pick(fmt.Sprintf("it did not return within %s", ex.CallLimit), fmt.Sprintf("%s 안에 돌아오지 않았습니다", ex.CallLimit)),
			Hint: lang.Pick("a loop that never ends: look at the loop's condition and what changes in it",
				"끝나지 않는 반복입니다. 반복의 조건과, 반복 안에서 바뀌는 값을 살펴보세요"),
		})
		var zero T
		return zero, nil
	}
}

// A validation case: one input, and what the contract's clause says of it.
type validation struct {
	user, product, price string
	ok                   bool
	clause               int
	field                string // the field that is wrong, when !ok
	why                  string // what this input shows, in the learner's language
}

func (c validation) call() string {
	return fmt.Sprintf("ValidateOrder(%q, %q, %q)", c.user, c.product, c.price)
}

// validations covers each clause of ValidateOrder's contract.
func validations() []validation {
	long := strings.Repeat("u", 65)
	full := strings.Repeat("u", 64)
	hangul64 := strings.Repeat("가", 21) + "1" // 21 characters of 3 bytes, and one: 64 bytes
	hangul66 := strings.Repeat("가", 22)       // 22 characters, 66 bytes
	parseFloat := lang.Pick("strconv.ParseFloat accepts it: check the text itself, character by character or with an anchored regexp",
		"strconv.ParseFloat는 이것을 받아들입니다. 텍스트 자체를 글자 하나하나, 또는 ^와 $로 묶은 정규식으로 검사하세요")
	anchors := lang.Pick("a regexp without ^ and $ finds a price inside it: anchor it, ^...$",
		"^와 $가 없는 정규식은 그 안에서 가격을 찾아냅니다. ^...$로 묶으세요")
	noTrim := lang.Pick("no space anywhere: check the text as it came, without strings.TrimSpace",
		"어디에도 공백은 안 됩니다. strings.TrimSpace 없이, 받은 텍스트 그대로 검사하세요")
	point := lang.Pick("a point needs a digit on each side: the decimals are one or two digits, not zero",
		"소수점 양쪽에는 숫자가 있어야 합니다. 소수는 한 자리나 두 자리이고, 0자리는 안 됩니다")
	return []validation{
		// 1. required
		{"", "product-1", "5000", false, 1, "userId", ""},
		{"user-1", "", "5000", false, 1, "productId", ""},

		// 2. at most 64 bytes
		{full, "product-1", "5000", true, 2, "", lang.Pick("64 bytes is still fine: refuse len(s) > 64", "64바이트까지는 괜찮습니다. len(s) > 64일 때만 거절하세요")},
		{"user-1", full, "5000", true, 2, "", lang.Pick("64 bytes is still fine: refuse len(s) > 64", "64바이트까지는 괜찮습니다. len(s) > 64일 때만 거절하세요")},
		{hangul64, "product-1", "5000", true, 2, "", lang.Pick("22 characters, 64 bytes: fine", "22글자, 64바이트: 괜찮습니다")},
		{long, "product-1", "5000", false, 2, "userId", ""},
		{"user-1", long, "5000", false, 2, "productId", ""},
		{hangul66, "product-1", "5000", false, 2, "userId", lang.Pick("22 Korean characters are 66 bytes: len counts bytes, utf8.RuneCountInString counts characters",
			"한글 22글자는 66바이트입니다. len(s)는 바이트 수, utf8.RuneCountInString(s)는 글자 수입니다")},
		{"user-1", hangul66, "5000", false, 2, "productId", lang.Pick("22 Korean characters are 66 bytes: len counts bytes, utf8.RuneCountInString counts characters",
			"한글 22글자는 66바이트입니다. len(s)는 바이트 수, utf8.RuneCountInString(s)는 글자 수입니다")},

		// 3. valid UTF-8, no spaces, no control characters
		{"사용자-1", "상품-7", "5000", true, 3, "", lang.Pick("Korean letters are fine: refuse only spaces, control characters and invalid UTF-8",
			"한글은 괜찮습니다. 공백, 제어 문자, 잘못된 UTF-8만 거절하세요")},
		{"user@shop.example", "product#7/blue", "5000", true, 3, "", lang.Pick("@, #, / and . are fine: refuse only spaces, control characters and invalid UTF-8",
			"@, #, /, . 같은 기호는 괜찮습니다. 공백, 제어 문자, 잘못된 UTF-8만 거절하세요")},
		{"user 1", "product-1", "5000", false, 3, "userId", ""},
		{"user-1", "product 1", "5000", false, 3, "productId", ""},
		{"user\t1", "product-1", "5000", false, 3, "userId", lang.Pick("a tab is a space too: unicode.IsSpace", "탭도 공백입니다: unicode.IsSpace")},
		{"user-1", "product\n1", "5000", false, 3, "productId", lang.Pick("a newline would forge a line in a log: unicode.IsControl", "줄바꿈은 로그에 가짜 줄을 만듭니다: unicode.IsControl")},
		{"user\x001", "product-1", "5000", false, 3, "userId", lang.Pick("a NUL byte is a control character: unicode.IsControl", "NUL 바이트는 제어 문자입니다: unicode.IsControl")},
		{"user-1", "\x1b[31mred", "5000", false, 3, "productId", lang.Pick("an escape byte drives the terminal: unicode.IsControl", "escape 바이트는 터미널을 조종합니다: unicode.IsControl")},
		{"user\x7f1", "product-1", "5000", false, 3, "userId", lang.Pick("DEL (0x7f) is a control character: unicode.IsControl", "DEL(0x7f)은 제어 문자입니다: unicode.IsControl")},
		{"사용자\u30001", "product-1", "5000", false, 3, "userId", lang.Pick("U+3000, the ideographic space, is a space: check each rune with unicode.IsSpace, not only ' '",
			"U+3000(전각 공백)도 공백입니다. ' '만 보지 말고 rune마다 unicode.IsSpace로 검사하세요")},
		{"user-1", "product\u00a01", "5000", false, 3, "productId", lang.Pick("U+00A0, the no-break space, is a space: unicode.IsSpace", "U+00A0(줄바꿈 없는 공백)도 공백입니다: unicode.IsSpace")},
		{"user-\xff", "product-1", "5000", false, 3, "userId", lang.Pick("0xff alone is not UTF-8: utf8.ValidString", "0xff 바이트 하나는 UTF-8이 아닙니다: utf8.ValidString")},
		{"user-1", "product-\xff", "5000", false, 3, "productId", lang.Pick("0xff alone is not UTF-8 in productId either: check productId as you check userId, with utf8.ValidString",
			"0xff 바이트 하나는 productId에서도 UTF-8이 아닙니다. productId도 userId처럼 utf8.ValidString으로 검사하세요")},
		{"user-1", "product\u009b1", "5000", false, 3, "productId", lang.Pick("U+009B is a control character, which a terminal reads as ESC [: unicode.IsControl, not only ASCII's below 0x20 and 0x7f",
			"U+009B는 터미널이 ESC [로 읽는 제어 문자입니다. 0x20 아래와 0x7f만 보지 말고 unicode.IsControl로 검사하세요")},

		// 4. the price's format
		{"user-1", "product-1", "5000", true, 4, "", ""},
		{"user-1", "product-1", "12.50", true, 4, "", ""},
		{"user-1", "product-1", "7.5", true, 4, "", lang.Pick("one decimal is fine too", "소수 한 자리도 괜찮습니다")},
		{"user-1", "product-1", "1", true, 4, "", ""},
		{"user-1", "product-1", "", false, 4, "price", lang.Pick("price is required", "price는 필수입니다")},
		{"user-1", "product-1", "-5", false, 4, "price", lang.Pick("no sign. ", "부호는 안 됩니다. ") + anchors},
		{"user-1", "product-1", "+5", false, 4, "price", lang.Pick("no sign. ", "부호는 안 됩니다. ") + parseFloat},
		{"user-1", "product-1", "1e3", false, 4, "price", lang.Pick("no exponent. ", "지수는 안 됩니다. ") + parseFloat},
		{"user-1", "product-1", "1E3", false, 4, "price", lang.Pick("no exponent. ", "지수는 안 됩니다. ") + parseFloat},
		{"user-1", "product-1", "Inf", false, 4, "price", lang.Pick("no Inf. ", "Inf는 안 됩니다. ") + parseFloat},
		{"user-1", "product-1", "NaN", false, 4, "price", lang.Pick("no NaN. ", "NaN은 안 됩니다. ") + parseFloat},
		{"user-1", "product-1", "5.", false, 4, "price", point},
		{"user-1", "product-1", ".5", false, 4, "price", point},
		{"user-1", "product-1", "12.345", false, 4, "price", lang.Pick("at most two decimals. ", "소수는 두 자리까지입니다. ") + anchors},
		{"user-1", "product-1", "5,00", false, 4, "price", lang.Pick("no comma: a point is the only separator", "쉼표는 안 됩니다. 구분 기호는 소수점 하나뿐입니다")},
		{"user-1", "product-1", " 5", false, 4, "price", noTrim},
		{"user-1", "product-1", "5 ", false, 4, "price", noTrim},
		{"user-1", "product-1", "1 000", false, 4, "price", noTrim},
		{"user-1", "product-1", "12.5\n", false, 4, "price", noTrim},
		{"user-1", "product-1", "1.2.3", false, 4, "price", lang.Pick("one point at most", "소수점은 하나까지입니다")},
		{"user-1", "product-1", "0x10", false, 4, "price", lang.Pick("digits only: no hexadecimal", "숫자만 됩니다. 16진수는 안 됩니다")},
		{"user-1", "product-1", "1_000", false, 4, "price", lang.Pick("digits only: no underscore", "숫자만 됩니다. 밑줄은 안 됩니다")},
		{"user-1", "product-1", "５０００", false, 4, "price", lang.Pick("ASCII digits only: unicode.IsDigit also takes the full-width ５; compare with '0' and '9'",
			"ASCII 숫자만 됩니다. 전각 숫자 ５도 unicode.IsDigit에서는 참이니, '0'과 '9' 사이인지 비교하세요")},
		{"user-1", "product-1", "١٢", false, 4, "price", lang.Pick("ASCII digits only: unicode.IsDigit also takes Arabic-Indic digits; compare with '0' and '9'",
			"ASCII 숫자만 됩니다. 아라비아·인도 숫자도 unicode.IsDigit에서는 참이니, '0'과 '9' 사이인지 비교하세요")},

		// 5. greater than 0
		{"user-1", "product-1", "0.01", true, 5, "", lang.Pick("0.01 is greater than 0", "0.01은 0보다 큽니다")},
		{"user-1", "product-1", "0", false, 5, "price", ""},
		{"user-1", "product-1", "0.00", false, 5, "price", ""},
		{"user-1", "product-1", "00", false, 5, "price", ""},
		{"user-1", "product-1", "0.0", false, 5, "price", ""},
		{"user-1", "product-1", "000.00", false, 5, "price", ""},

		// 6. at most 1000000000, at most 13 characters
		{"user-1", "product-1", "1000000000", true, 6, "", lang.Pick("the maximum itself is fine", "최댓값 자체는 괜찮습니다")},
		{"user-1", "product-1", "1000000000.00", true, 6, "", lang.Pick("the maximum itself is fine, 13 characters", "최댓값 자체는 괜찮습니다. 13자입니다")},
		{"user-1", "product-1", "999999999.99", true, 6, "", ""},
		{"user-1", "product-1", "00.5", true, 6, "", lang.Pick("leading zeros are allowed within 13 characters", "13자 안에서는 앞자리 0이 허용됩니다")},
		{"user-1", "product-1", "0000000012.50", true, 6, "", lang.Pick("leading zeros are allowed within 13 characters", "13자 안에서는 앞자리 0이 허용됩니다")},
		{"user-1", "product-1", "1000000000.01", false, 6, "price", lang.Pick("one cent over the maximum", "최댓값보다 0.01 큽니다")},
		{"user-1", "product-1", "1000000001", false, 6, "price", ""},
		{"user-1", "product-1", "99999999999", false, 6, "price", ""},
		{"user-1", "product-1", "000000000000.5", false, 6, "price", lang.Pick("14 characters, though its value is small: refuse len(price) > 13",
			"값은 작아도 14자입니다. len(price) > 13이면 거절하세요")},
		{"user-1", "product-1", "00000000000001", false, 6, "price", lang.Pick("14 characters, though its value is small: refuse len(price) > 13",
			"값은 작아도 14자입니다. len(price) > 13이면 거절하세요")},
	}
}

// clauseHint says what clause n of ValidateOrder's contract asks, then why,
// what the input at hand shows, and where the README teaches it.
func clauseHint(n int, why string) string {
	section := refusedSection()
	if n >= 4 && n <= 6 {
		section = priceSection()
	}
	if why != "" {
		why = ". " + why
	}
	return clauseText(n) + why + " (" + section + ")"
}

func clauseText(n int) string {
	switch n {
	case 1:
		return lang.Pick("clause 1: userId and productId are required: refuse an empty one",
			"1항: userId와 productId는 필수입니다. 빈 값은 거절하세요")
	case 2:
		return lang.Pick("clause 2: at most 64 bytes, as len(s) counts them; a Korean character takes 3",
			"2항: len(s)가 세는 대로 최대 64바이트입니다. 한글 한 글자는 3바이트입니다")
	case 3:
		return lang.Pick("clause 3: refuse invalid UTF-8 (utf8.ValidString) and any rune for which unicode.IsSpace or unicode.IsControl is true, and nothing else",
			"3항: 잘못된 UTF-8(utf8.ValidString), 그리고 unicode.IsSpace나 unicode.IsControl이 참인 rune이 있으면 거절하고, 그 밖에는 받아들이세요")
	case 4:
		return lang.Pick("clause 4: a price is ASCII digits, then optionally a point and one or two digits, and nothing else",
			"4항: 가격은 ASCII 숫자, 그리고 필요하면 소수점 하나와 숫자 한두 자리이고, 그 밖에는 아무것도 없습니다")
	case 5:
		return lang.Pick("clause 5: a price must be greater than 0: 0, 00 and 0.00 have the right format but no value",
			"5항: 가격은 0보다 커야 합니다. 0, 00, 0.00은 형식은 맞지만 값이 없습니다")
	case 6:
		return lang.Pick("clause 6: a price is at most 1000000000 and at most 13 characters, leading zeros allowed within that",
			"6항: 가격은 1000000000 이하이고 최대 13자이며, 그 안에서는 앞자리 0이 허용됩니다")
	}
	return lang.Pick("clause 7: the error names the field that is wrong as the JSON body names it, userId, productId or price, such as fmt.Errorf(\"%s is required\", \"userId\")",
		"7항: 오류에는 잘못된 필드의 이름을 JSON 본문에 쓰는 그대로 넣으세요. userId, productId, price 중 하나입니다. 예: fmt.Errorf(\"%s is required\", \"userId\")")
}

func TestValidateOrder(t *testing.T) {
	probe, _ := callPure(t, `ValidateOrder("user-1", "product-1", "1000")`, func() error { return ValidateOrder("user-1", "product-1", "1000") })
	ex.StopIfNotStarted(t, probe, ValidateOrder)

	// The first failure of each clause, with the other inputs it got wrong.
	type failure struct {
		report ex.Report
		others []string
	}
	failures := map[int]*failure{}
	fail := func(clause int, c validation, r ex.Report) {
		if f := failures[clause]; f != nil {
			f.others = append(f.others, fmt.Sprintf("%q, %q, %q", c.user, c.product, c.price))
			return
		}
		failures[clause] = &failure{report: r}
	}
	for _, c := range validations() {
		err, panicked := callPure(t, c.call(), func() error { return ValidateOrder(c.user, c.product, c.price) })
		switch {
		case panicked != nil:
			ex.Fatal(t, ex.Report{
				Want: lang.Pick(c.call()+" returns nil or an error", c.call()+": nil이나 오류를 반환함"),
				Got:  lang.Pick("it panicked: ", "panic이 났습니다: ") + panicked.Error(),
				Hint: lang.Pick("every input gets an answer, the empty string too: check the length before you read price[0]",
					"빈 문자열까지 모든 입력에 답해야 합니다. price[0]을 읽기 전에 길이를 확인하세요"),
			})
		case errors.Is(err, exercise.ErrNotStarted):
			ex.Fatal(t, ex.Report{
				Want: c.call(),
				Got:  lang.Pick("it returned: ", "반환한 값: ") + err.Error(),
				Hint: lang.Pick("return nil or a reason for every input", "모든 입력에 nil이나 이유를 반환하세요"),
			})
		case c.ok && err != nil:
			fail(c.clause, c, ex.Report{
				Want: c.call() + lang.Pick(" = nil: a good order", " = nil: 올바른 주문"),
				Got:  lang.Pick("it returned: ", "반환한 값: ") + err.Error(),
				Hint: clauseHint(c.clause, c.why),
			})
		case !c.ok && err == nil:
			fail(c.clause, c, ex.Report{
				Want: c.call() + lang.Pick(" refused, with an error naming "+c.field, ": "+c.field+" 필드를 밝힌 오류로 거절됨"),
				Got:  "nil",
				Hint: clauseHint(c.clause, c.why),
			})
		case !c.ok && !strings.Contains(err.Error(), c.field):
			fail(7, c, ex.Report{
				Want: c.call() + lang.Pick(" refused, with an error naming "+c.field, ": "+c.field+" 필드를 밝힌 오류로 거절됨"),
				Got:  lang.Pick("it returned: ", "반환한 값: ") + err.Error(),
				Hint: clauseHint(7, ""),
			})
		case !c.ok && alsoNames(err.Error(), c.field) != "":
			other := alsoNames(err.Error(), c.field)
			fail(7, c, ex.Report{
				Want: c.call() + lang.Pick(" refused, with an error naming "+c.field+" only", ": "+c.field+" 필드만 밝힌 오류로 거절됨"),
				Got:  lang.Pick("it returned: ", "반환한 값: ") + err.Error(),
				Hint: clauseHint(7, lang.Pick(fmt.Sprintf("name only the field that is wrong: this error names %s too, though only %s is wrong, and the client cannot tell which to fix. Check each field on its own, with its own error", other, c.field),
					fmt.Sprintf("잘못된 필드 이름만 넣으세요. 틀린 것은 %s뿐인데 이 오류는 %s도 밝혀서, 클라이언트가 어느 것을 고칠지 알 수 없습니다. 필드마다 따로 검사하고, 오류도 따로 돌려주세요", c.field, other))),
			})
		}
	}
	for clause := 1; clause <= 7; clause++ {
		f := failures[clause]
		if f == nil {
			continue
		}
		if len(f.others) > 0 {
			f.report.Got += lang.Pick("\nwrong too, for the same clause: ", "\n같은 조항에서 틀린 입력: ") + strings.Join(f.others, "; ")
		}
		ex.Fail(t, f.report)
	}
}

// reply is what the handler answered.
type reply struct {
	status int
	ctype  string         // the Content-Type header
	raw    string         // the body as written
	body   map[string]any // the body when it is a JSON object, else nil
}

func (r reply) String() string {
	if r.ctype == "" {
		return fmt.Sprintf("%d %s", r.status, r.raw)
	}
	return fmt.Sprintf("%d (Content-Type: %s) %s", r.status, r.ctype, r.raw)
}

// str returns a string field of the JSON answer, or "".
func (r reply) str(key string) string {
	s, _ := r.body[key].(string)
	return s
}

// isJSON reports whether the answer is a JSON object, sent as JSON.
func (r reply) isJSON() bool {
	media, _, err := mime.ParseMediaType(r.ctype)
	return err == nil && media == "application/json" && r.body != nil
}

// answers counts the JSON values the body holds one after the other, as
// respond writes them: more than one when the handler answered twice.
func (r reply) answers() int {
	dec := json.NewDecoder(strings.NewReader(r.raw))
	n := 0
	for {
		var v any
		if dec.Decode(&v) != nil {
			return n
		}
		n++
	}
}

// post sends body to the handler as POST /orders, with a deadline.
func post(t *testing.T, env *ex.Env, h http.HandlerFunc, body string) reply {
	t.Helper()
	what := "POST /orders " + body
	r, err := ex.Call(t, env, what, ex.CallLimit, func(ctx context.Context) (r reply, err error) {
		rec := httptest.NewRecorder()
		func() {
			defer func() {
				if p := recover(); p != nil {
					err = fmt.Errorf("panic: %v", p)
				}
			}()
			req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/orders", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			h(rec, req)
		}()
		res := rec.Result()
		r = reply{status: res.StatusCode, ctype: res.Header.Get("Content-Type"), raw: strings.TrimSpace(rec.Body.String())}
		var obj map[string]any
		if json.Unmarshal(rec.Body.Bytes(), &obj) == nil {
			r.body = obj
		}
		return r, err
	})
	if err != nil {
		ex.Fatal(t, ex.Report{
			Want: lang.Pick(what+" gets an answer", what+": 응답을 받음"),
			Got:  lang.Pick("it panicked: ", "panic이 났습니다: ") + err.Error(),
			Hint: lang.Pick("every request gets an answer: check each error where it is returned, and return after you respond",
				"모든 요청이 응답을 받아야 합니다. 오류는 돌려받은 자리에서 확인하고, 응답한 뒤에는 return하세요"),
		})
	}
	return r
}

// handlerHint says what clause n of OrderHandler's contract asks, then
// detail, what to change for the case at hand.
func handlerHint(n int, detail string) string {
	var clause string
	switch n {
	case 1:
		clause = lang.Pick("clause 1: the contract's fields, all strings, as the client wrote them: XADD order-events * userId <u> productId <p> price <price> orderId <newOrderID()>, with a new orderId for each order",
			"1항: 계약의 필드를 모두 문자열로, 클라이언트가 쓴 그대로: XADD order-events * userId <u> productId <p> price <price> orderId <newOrderID()>. orderId는 주문마다 새로 만드세요")
	case 2:
		clause = lang.Pick(`clause 2: answer respond(w, http.StatusCreated, map[string]string{"orderId": orderID, "entryId": id}), with the orderId written in the entry and the ID XADD returned`,
			`2항: respond(w, http.StatusCreated, map[string]string{"orderId": orderID, "entryId": id})로 답하세요. 엔트리에 쓴 orderId와, XADD가 돌려준 ID입니다`)
	case 3:
		clause = lang.Pick(`clause 3: a body that is not one JSON object of strings answers 400 {"error": ...} and publishes nothing`,
			`3항: 문자열만 담은 JSON 객체 하나가 아닌 본문에는 400 {"error": ...}로 답하고 아무것도 발행하지 않습니다`)
	case 4:
		clause = lang.Pick(`clause 4: an order ValidateOrder refuses answers 400 {"error": <its reason>} and publishes nothing`,
			`4항: ValidateOrder가 거절한 주문에는 400 {"error": <그 이유>}로 답하고 아무것도 발행하지 않습니다`)
	case 5:
		clause = lang.Pick(`clause 5: when XADD returns an error, answer 503 {"error": ...}`,
			`5항: XADD가 오류를 돌려주면 503 {"error": ...}로 답합니다`)
	default:
		clause = lang.Pick("clause 6: every answer is a JSON object with Content-Type: application/json",
			"6항: 모든 응답은 Content-Type: application/json인 JSON 객체입니다")
	}
	section := map[int]func() string{1: endpoints, 2: endpoints, 3: refusedSection, 4: refusedSection, 5: redisDown, 6: endpoints}[n]()
	if detail == "" {
		return clause + " (" + section + ")"
	}
	return clause + ". " + detail + " (" + section + ")"
}

func TestOrderHandler(t *testing.T) {
	// OrderHandler uses ValidateOrder: that one comes first.
	probe, _ := callPure(t, `ValidateOrder("user-1", "product-1", "1000")`, func() error { return ValidateOrder("user-1", "product-1", "1000") })
	ex.StopIfNotStarted(t, probe, ValidateOrder)
	ctx := context.Background()
	env := ex.Start(t)
	own := env.Client()

	// While failing is set, every XADD of the learner's client gets an
	// error from "Redis", as when it is out of memory; the connection lives.
	var failing atomic.Bool
	oom := errors.New("OOM command not allowed when used memory > 'maxmemory'.")
	refuseXAdd := func(ctx context.Context, cmds []redis.Cmder, send func() error) error {
		if failing.Load() {
			for _, cmd := range cmds {
				if cmd.Name() == "xadd" {
					for _, c := range cmds {
						c.SetErr(oom)
					}
					return oom
				}
			}
		}
		return send()
	}
	h, _ := ex.Call(t, env, "OrderHandler(rdb)", ex.CallLimit, func(context.Context) (http.HandlerFunc, error) {
		return OrderHandler(env.Learner(refuseXAdd)), nil
	})

	length := func() int64 {
		t.Helper()
		n, err := own.XLen(ctx, orders).Result()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// inRedis shows order-events, and the other keys when it is empty.
	inRedis := func() string {
		t.Helper()
		shown := ex.Entries(t, own, orders)
		if keys, err := own.Keys(ctx, "*").Result(); err == nil && length() == 0 && len(keys) > 0 {
			shown += lang.Pick("\nkeys in Redis: ", "\nRedis에 있는 키: ") + strings.Join(keys, ", ")
		}
		return shown
	}
	// jsonOK fails clause 6 when an answer is not JSON.
	jsonOK := func(what string, r reply) {
		t.Helper()
		if !r.isJSON() {
			detail := lang.Pick("Answer with respond(w, status, body), given: it sets the header and writes the body as JSON; http.Error writes plain text",
				"주어진 respond(w, status, body)로 답하세요. 헤더를 붙이고 본문을 JSON으로 씁니다. http.Error는 평범한 텍스트를 씁니다")
			if r.answers() > 1 {
				detail = lang.Pick("The body holds more than one answer: return right after respond, or the handler goes on and answers again",
					"본문에 응답이 둘 이상 있습니다. respond 바로 뒤에 return하세요. 그러지 않으면 handler가 계속 진행해서 또 답합니다")
			}
			ex.Fatal(t, ex.Report{
				Want: lang.Pick(what+" → a JSON object, with Content-Type: application/json", what+" → Content-Type: application/json인 JSON 객체"),
				Got:  r.String(),
				Hint: handlerHint(6, detail),
			})
		}
	}

	// Good orders: the first two are the same order sent twice, which is
	// two orders; the third has Korean IDs.
	good := `{"userId":"user-1","productId":"product-1","price":"12.50"}`
	goods := []struct {
		body                 string
		user, product, price string
	}{
		{good, "user-1", "product-1", "12.50"},
		{good, "user-1", "product-1", "12.50"},
		{`{"userId":"사용자-7","productId":"상품-3","price":"5000"}`, "사용자-7", "상품-3", "5000"},
	}
	seen := map[string]bool{} // orderIds so far
	for i, g := range goods {
		before := length()
		r := post(t, env, h, g.body)
		if i == 0 && r.status == http.StatusNotImplemented && strings.Contains(r.raw, exercise.ErrNotStarted.Error()) {
			ex.StopIfNotStarted(t, exercise.ErrNotStarted, OrderHandler)
		}
		what := "POST " + g.body
		msgs, err := own.XRange(ctx, orders, "-", "+").Result()
		if err != nil {
			t.Fatal(err)
		}
		var entry redis.XMessage
		if int64(len(msgs)) == before+1 {
			entry = msgs[len(msgs)-1]
		}
		orderID, _ := entry.Values["orderId"].(string)
		fields := map[string]any{"userId": g.user, "productId": g.product, "price": g.price, "orderId": orderID}
		again := ""
		if seen[orderID] {
			again = lang.Pick("\nthis orderId was given to an order before", "\n이 orderId는 앞선 주문이 이미 받은 것입니다")
		}
		if entry.ID == "" || orderID == "" || seen[orderID] || fmt.Sprint(entry.Values) != fmt.Sprint(fields) {
			var detail string
			switch {
			case entry.ID == "" && r.status == http.StatusBadRequest:
				detail = lang.Pick("It answered 400 for a good order: if your ValidateOrder refused it, TestValidateOrder says why",
					"올바른 주문에 400으로 답했습니다. ValidateOrder가 거절했다면 TestValidateOrder가 이유를 알려 줍니다")
			case entry.ID == "" && int64(len(msgs)) == before:
				detail = lang.Pick("Nothing reached order-events: XADD to the stream the constant orders names",
					"order-events에 아무것도 오지 않았습니다. 상수 orders가 가리키는 stream에 XADD하세요")
			case entry.ID == "":
				detail = lang.Pick("One order, one XADD", "주문 하나에 XADD 하나입니다")
			case orderID == "":
				detail = lang.Pick("The entry has no orderId: add \"orderId\", newOrderID() to the fields; without it no consumer can tell which order it pays",
					"엔트리에 orderId가 없습니다. 필드에 \"orderId\", newOrderID()를 넣으세요. 그래야 consumer가 어떤 주문을 결제하는지 압니다")
			case seen[orderID]:
				detail = lang.Pick("The same order sent twice is two orders: call newOrderID() for each request, and build the orderId from nothing the client sent",
					"같은 주문을 두 번 보내면 주문 두 개입니다. 요청마다 newOrderID()를 부르고, 클라이언트가 보낸 값으로 orderId를 만들지 마세요")
			case fmt.Sprint(entry.Values["price"]) != g.price:
				detail = lang.Pick("Keep the price's text as the client wrote it: a float turns \"12.50\" into \"12.5\"",
					"가격은 클라이언트가 쓴 텍스트 그대로 두세요. float를 거치면 \"12.50\"이 \"12.5\"가 됩니다")
			}
			ex.Fatal(t, ex.Report{
				Want: lang.Pick(fmt.Sprintf("%s adds one entry to order-events: userId=%q productId=%q price=%q orderId=<a new one>", what, g.user, g.product, g.price),
					fmt.Sprintf("%s: order-events에 엔트리 하나 추가: userId=%q productId=%q price=%q orderId=<새 값>", what, g.user, g.product, g.price)),
				Got:  r.String() + "\n" + inRedis() + again,
				Hint: handlerHint(1, detail),
			})
		}
		seen[orderID] = true
		if r.status != http.StatusCreated || r.str("orderId") != orderID || r.str("entryId") != entry.ID {
			var detail string
			switch {
			case r.status != http.StatusCreated:
				detail = lang.Pick(fmt.Sprintf("201 Created, not %d: a new order was made", r.status), fmt.Sprintf("201 Created로 답하세요(받은 상태 코드: %d). 새 주문이 생겼기 때문입니다", r.status))
			case r.str("orderId") != orderID:
				detail = lang.Pick("The orderId in the answer is the one in the entry: call newOrderID() once, and use its value twice",
					"응답의 orderId는 엔트리에 쓴 값입니다. newOrderID()는 한 번만 부르고, 그 값을 두 곳에 쓰세요")
			default:
				detail = lang.Pick("entryId is the ID XADD returned: rdb.XAdd(...).Result()", "entryId는 XADD가 돌려준 ID입니다: rdb.XAdd(...).Result()")
			}
			ex.Fatal(t, ex.Report{
				Want: lang.Pick(fmt.Sprintf(`%s → 201 {"orderId": %q, "entryId": %q}, as in the entry`, what, orderID, entry.ID),
					fmt.Sprintf(`%s → 201 {"orderId": %q, "entryId": %q}, 엔트리와 같은 값`, what, orderID, entry.ID)),
				Got:  r.String() + "\n" + inRedis(),
				Hint: handlerHint(2, detail),
			})
		}
		jsonOK(what, r)
	}

	// A good order with a field the contract does not have: refusing it is
	// fine, publishing it is not, as a consumer would take it for the
	// contract's.
	extra := `{"userId":"user-2","productId":"product-2","price":"7.5","coupon":"FREE"}`
	before := length()
	if r := post(t, env, h, extra); r.status != http.StatusBadRequest || length() != before {
		msgs, err := own.XRange(ctx, orders, "-", "+").Result()
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		if int64(len(msgs)) == before+1 {
			for k := range msgs[len(msgs)-1].Values {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		if r.status != http.StatusCreated || strings.Join(keys, " ") != "orderId price productId userId" {
			ex.Fatal(t, ex.Report{
				Want: lang.Pick("POST "+extra+" → 201 and one entry with userId, productId, price and orderId, and no coupon (or 400, and nothing published)",
					"POST "+extra+" → 201, 그리고 userId, productId, price, orderId만 있고 coupon은 없는 엔트리 하나(또는 400, 그리고 아무것도 발행하지 않음)"),
				Got: r.String() + "\n" + inRedis(),
				Hint: handlerHint(1, lang.Pick("Publish the contract's four fields only, each named: a field the client adds is not the contract's, and a consumer would trust it. Decode into a struct of three strings, or take the three values out of the map",
					"계약의 필드 네 개만 하나하나 이름을 적어 발행하세요. 클라이언트가 더한 필드는 계약에 없고, consumer는 그것을 믿어 버립니다. 본문을 문자열 세 개짜리 struct로 디코딩하거나, map에서 세 값을 꺼내 쓰세요")),
			})
		}
	}

	// A good order that brings an orderId of its own: the orderId is the
	// service's, new for each order, whatever the body holds.
	chosen := `{"userId":"user-3","productId":"product-3","price":"5000","orderId":"o-1"}`
	before = length()
	if r := post(t, env, h, chosen); r.status != http.StatusBadRequest || length() != before {
		msgs, err := own.XRange(ctx, orders, "-", "+").Result()
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(msgs)) == before+1 && msgs[len(msgs)-1].Values["orderId"] == "o-1" {
			ex.Fatal(t, ex.Report{
				Want: lang.Pick("POST "+chosen+" → 201 and one entry whose orderId is a new one from newOrderID(), not o-1 (or 400, and nothing published)",
					"POST "+chosen+" → 201, 그리고 orderId가 o-1이 아니라 newOrderID()로 새로 만든 것인 엔트리 하나(또는 400, 그리고 아무것도 발행하지 않음)"),
				Got: r.String() + "\n" + inRedis(),
				Hint: handlerHint(1, lang.Pick("orderId is the service's to give: a new one from newOrderID() for each order, whatever the body holds. A client that chooses it can reuse another order's ID, and a consumer that drops duplicates by orderId (06's notifications) would drop that order's mail",
					"orderId는 서비스가 정합니다. 본문에 무엇이 있든 주문마다 newOrderID()로 새로 만드세요. 클라이언트가 정하게 하면 다른 주문의 ID를 다시 쓸 수 있고, orderId로 중복을 거르는 consumer(06의 알림)는 그 주문의 메일을 버리게 됩니다")),
			})
		}
	}

	// checkRefused checks a 400 that published nothing.
	checkRefused := func(clause int, body string, before int64, r reply, wantError string) {
		t.Helper()
		what := "POST " + body
		want := lang.Pick(what+` → 400 {"error": "..."}, and nothing added to order-events`, what+` → 400 {"error": "..."}, order-events에는 아무것도 추가되지 않음`)
		if wantError != "" {
			want = lang.Pick(fmt.Sprintf(`%s → 400 {"error": "... %s ..."}, with ValidateOrder's reason, and nothing added to order-events`, what, wantError),
				fmt.Sprintf(`%s → 400 {"error": "... %s ..."}(ValidateOrder의 이유), order-events에는 아무것도 추가되지 않음`, what, wantError))
		}
		var detail string
		switch {
		case length() != before && clause == 3:
			detail = lang.Pick("Decode the body into a struct of three strings: json.Decoder returns an error for a number such as 12.50, and the service keeps the price's text as the client wrote it, never a float's",
				"본문을 문자열 세 개짜리 struct로 디코딩하세요. 12.50 같은 숫자에는 json.Decoder가 오류를 돌려줍니다. 서비스는 가격을 float가 아니라 클라이언트가 쓴 텍스트 그대로 간직합니다")
		case length() != before:
			detail = lang.Pick("Nothing may be published for a bad order: call ValidateOrder before the XADD, on the values as the client sent them (no TrimSpace), and return after the 400. A consumer pays whatever reaches the stream",
				"잘못된 주문은 아무것도 발행하면 안 됩니다. XADD 전에, 클라이언트가 보낸 값 그대로(TrimSpace 없이) ValidateOrder를 부르고, 400으로 답한 뒤 return하세요. consumer는 stream에 온 것이면 무엇이든 결제합니다")
		case r.status >= 500 && clause == 3:
			detail = lang.Pick("A body the client got wrong is the client's mistake: 400, not 5xx",
				"클라이언트가 잘못 보낸 본문은 클라이언트의 잘못입니다. 5xx가 아니라 400입니다")
		case r.status >= 500:
			detail = lang.Pick("A refused order is the client's mistake (400, not 500): with a 5xx the client would retry an order that can never pass",
				"거절된 주문은 클라이언트의 잘못입니다(500이 아니라 400). 5xx를 받으면 클라이언트는 결코 통과할 수 없는 주문을 다시 보냅니다")
		case clause == 3:
			detail = lang.Pick(`When json returns an error, answer respond(w, http.StatusBadRequest, map[string]string{"error": err.Error()}) and return`,
				`json이 오류를 돌려주면 respond(w, http.StatusBadRequest, map[string]string{"error": err.Error()})로 답하고 return하세요`)
		default:
			detail = lang.Pick(`When ValidateOrder returns an error, answer respond(w, http.StatusBadRequest, map[string]string{"error": err.Error()}) and return`,
				`ValidateOrder가 오류를 돌려주면 respond(w, http.StatusBadRequest, map[string]string{"error": err.Error()})로 답하고 return하세요`)
		}
		if r.status != http.StatusBadRequest || length() != before {
			ex.Fatal(t, ex.Report{Want: want, Got: r.String() + "\n" + inRedis(), Hint: handlerHint(clause, detail)})
		}
		jsonOK(what, r)
		if r.str("error") == "" || !strings.Contains(r.str("error"), wantError) {
			ex.Fatal(t, ex.Report{Want: want, Got: r.String(), Hint: handlerHint(clause, lang.Pick(
				`Put ValidateOrder's error in the answer, {"error": err.Error()}: it tells the client which field to fix`,
				`ValidateOrder의 오류를 {"error": err.Error()}로 응답에 넣으세요. 클라이언트가 어느 필드를 고칠지 알게 됩니다`))})
		}
	}

	// Bodies that are not one JSON object of three strings.
	for _, body := range []string{
		`{"userId": "user-1", "price": `,
		``,
		`["user-1","product-1","12.50"]`,
		`"user-1"`,
		`{"userId":"user-1","productId":"product-1","price":12.50}`,
	} {
		before := length()
		checkRefused(3, body, before, post(t, env, h, body), "")
	}

	// Orders that ValidateOrder refuses.
	for _, o := range []struct{ user, product, price string }{
		{"user-1", "product-1", "-5"},
		{"", "product-1", "5000"},
		{"user-1", "product-1", "1e3"},
		{"user 1", "product-1", "5000"},
		{"user-1", "product-1", "0"},
		{"user-1", strings.Repeat("p", 65), "5000"},
		{" user-1", "product-1", "5000"},
		{"user-1", "product-1", " 5"},
	} {
		body := fmt.Sprintf(`{"userId":%q,"productId":%q,"price":%q}`, o.user, o.product, o.price)
		reason, _ := callPure(t, "ValidateOrder", func() error { return ValidateOrder(o.user, o.product, o.price) })
		if reason == nil {
			continue // TestValidateOrder says what is wrong
		}
		before := length()
		checkRefused(4, body, before, post(t, env, h, body), reason.Error())
	}

	// checkUnavailable checks a 503 with a JSON error.
	checkUnavailable := func(how string, r reply, before int64) {
		t.Helper()
		what := "POST " + good + ", " + how
		if r.status != http.StatusServiceUnavailable || length() != before {
			detail := lang.Pick("Answer respond(w, http.StatusServiceUnavailable, map[string]string{\"error\": ...}) when XADD returns an error",
				"XADD가 오류를 돌려주면 respond(w, http.StatusServiceUnavailable, map[string]string{\"error\": ...})로 답하세요")
			switch {
			case r.status == http.StatusInternalServerError:
				detail = lang.Pick("503 Service Unavailable, not 500: a 500 does not tell the client that nothing was published and that it may send the order again",
					"500이 아니라 503 Service Unavailable입니다. 500으로는 아무것도 발행되지 않았고 주문을 다시 보내도 된다는 것을 클라이언트가 알 수 없습니다")
			case r.status < 300:
				detail = lang.Pick("Never a 2xx: the order is not in the stream. Check XADD's error before you answer",
					"2xx는 안 됩니다. 주문이 stream에 없습니다. 답하기 전에 XADD의 오류를 확인하세요")
			}
			ex.Fatal(t, ex.Report{
				Want: lang.Pick(what+` → 503 {"error": "..."}: the order was certainly not published, and the client may send it again`,
					what+` → 503 {"error": "..."}: 주문은 확실히 발행되지 않았고, 클라이언트가 다시 보내도 됨`),
				Got:  r.String() + "\n" + inRedis(),
				Hint: handlerHint(5, detail),
			})
		}
		jsonOK(what, r)
		if r.str("error") == "" {
			ex.Fatal(t, ex.Report{
				Want: what + ` → 503 {"error": "..."}`,
				Got:  r.String(),
				Hint: handlerHint(5, lang.Pick(`Say why in the answer: {"error": "the order could not be published; try again"}`,
					`응답에 이유를 적으세요: {"error": "the order could not be published; try again"}`)),
			})
		}
	}

	// Redis answers every XADD with an error, then recovers.
	before = length()
	failing.Store(true)
	r := post(t, env, h, good)
	failing.Store(false)
	checkUnavailable(lang.Pick("while Redis answers XADD with OOM", "Redis가 XADD에 OOM으로 답하는 동안"), r, before)
	if r := post(t, env, h, good); r.status != http.StatusCreated || length() != before+1 {
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("POST "+good+" → 201 once Redis takes writes again", "Redis가 다시 쓰기를 받으면 POST "+good+" → 201"),
			Got:  r.String() + "\n" + inRedis(),
			Hint: handlerHint(5, lang.Pick("The failure was Redis's, not the handler's: the next order, once Redis takes writes, is published as usual",
				"실패는 handler가 아니라 Redis의 것이었습니다. Redis가 다시 쓰기를 받으면 다음 주문은 평소처럼 발행됩니다")),
		})
	}

	// Redis is down: no connection can be made.
	dead, _ := ex.Call(t, env, "OrderHandler(rdb)", ex.CallLimit, func(context.Context) (http.HandlerFunc, error) {
		return OrderHandler(env.DeadClient()), nil
	})
	before = length()
	checkUnavailable(lang.Pick("with Redis down", "Redis가 죽었을 때"), post(t, env, dead, good), before)
}

// alsoNames returns a field of the order, other than field, that an error
// names, or "".
func alsoNames(err, field string) string {
	for _, f := range []string{"userId", "productId", "price"} {
		if f != field && strings.Contains(err, f) {
			return f
		}
	}
	return ""
}
