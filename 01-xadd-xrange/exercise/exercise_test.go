package exercise

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/lang"
	ex "github.com/streams-workshop/kit/testkit/exercisetest"
)

func TestAddNotification(t *testing.T) {
	ctx := context.Background()
	env := ex.Start(t)
	rdb := env.Learner()

	first, err := AddNotification(ctx, rdb, "user-a", "hi")
	ex.StopIfNotStarted(t, err, AddNotification)
	if err != nil {
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("AddNotification(user-a, hi) adds an entry", "AddNotification(user-a, hi) 가 항목을 추가"),
			Got:  lang.Pick("error: ", "오류: ") + err.Error(),
			Hint: lang.Pick("XADD user-notifications * user-a hi: rdb.XAdd with Stream, ID \"*\" and Values",
				"XADD user-notifications * user-a hi: rdb.XAdd 에 Stream, ID \"*\", Values 를 주세요"),
		})
	}
	second, err := AddNotification(ctx, rdb, "user-b", "hello")
	if err != nil {
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("a second notification is added too", "두 번째 알림도 추가됨"),
			Got:  lang.Pick("error: ", "오류: ") + err.Error() + "\n" + ex.Entries(t, env.Client(), stream),
			Hint: lang.Pick("let Redis choose the ID with \"*\": an explicit ID must be greater than the last one, so the same ID twice is refused",
				"ID 는 \"*\" 로 Redis 가 고르게 하세요: 직접 쓴 ID 는 마지막 ID 보다 커야 하므로 같은 ID 는 두 번 쓸 수 없습니다"),
		})
	}

	msgs, err := env.Client().XRange(ctx, stream, "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ id, user, message string }{{first, "user-a", "hi"}, {second, "user-b", "hello"}}
	ok := len(msgs) == len(want)
	for i := 0; ok && i < len(msgs); i++ {
		ok = msgs[i].ID == want[i].id && len(msgs[i].Values) == 1 && msgs[i].Values[want[i].user] == want[i].message
	}
	if !ok {
		ex.Fatal(t, ex.Report{
			Want: lang.Pick(
				fmt.Sprintf("two entries, %s user-a=\"hi\" and %s user-b=\"hello\" (the IDs you returned)", first, second),
				fmt.Sprintf("항목 두 개, %s user-a=\"hi\" 와 %s user-b=\"hello\" (반환한 ID)", first, second)),
			Got: ex.Entries(t, env.Client(), stream),
			Hint: lang.Pick("the field's name is the user and its value the message, as in XADD user-notifications * user-a hi; return the ID XADD replied",
				"필드 이름이 사용자, 값이 메시지입니다 (XADD user-notifications * user-a hi). XADD 가 돌려준 ID 를 반환하세요"),
		})
	}
}

func TestPage(t *testing.T) {
	ctx := context.Background()
	env := ex.Start(t)
	rdb := env.Learner()

	var ids []string
	for i := 1; i <= 5; i++ {
		id, err := env.Client().XAdd(ctx, &redis.XAddArgs{Stream: stream, ID: fmt.Sprintf("%d-0", i), Values: []string{"user-a", fmt.Sprint("message ", i)}}).Result()
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	wantPages := [][]string{ids[0:2], ids[2:4], ids[4:5], {}}

	after := ""
	var got [][]string
	for _, want := range wantPages {
		page, err := Page(ctx, rdb, after, 2)
		ex.StopIfNotStarted(t, err, Page)
		if err != nil {
			ex.Fatal(t, ex.Report{
				Want: lang.Pick(fmt.Sprintf("Page(after=%q, count=2) returns a page", after), fmt.Sprintf("Page(after=%q, count=2) 가 한 페이지를 반환", after)),
				Got:  lang.Pick("error: ", "오류: ") + err.Error(),
				Hint: lang.Pick("XRANGE user-notifications (AFTER + COUNT 2; with no after, start at -", "XRANGE user-notifications (AFTER + COUNT 2; after 가 없으면 - 부터"),
			})
		}
		pageIDs := make([]string, len(page))
		for i, m := range page {
			pageIDs[i] = m.ID
		}
		got = append(got, pageIDs)
		if strings.Join(pageIDs, " ") == strings.Join(want, " ") {
			if len(page) > 0 {
				after = page[len(page)-1].ID
			}
			continue
		}
		hint := lang.Pick("pass COUNT: rdb.XRangeN(ctx, stream, start, \"+\", count)", "COUNT 를 주세요: rdb.XRangeN(ctx, stream, start, \"+\", count)")
		if after != "" && len(pageIDs) > 0 && pageIDs[0] == after {
			hint = lang.Pick(
				"the page repeats "+after+", the last entry you already had: XRANGE includes its start, so start with ( to exclude it: \"(\"+after",
				"페이지가 이미 받은 마지막 항목을 반복합니다 ("+after+"): XRANGE 는 시작 ID 를 포함하니 ( 로 시작해 빼세요: \"(\"+after")
		}
		ex.Fatal(t, ex.Report{
			Want: lang.Pick(fmt.Sprintf("pages of 2 over 5 entries: %v", wantPages), fmt.Sprintf("항목 5개를 2개씩: %v", wantPages)),
			Got:  lang.Pick(fmt.Sprintf("pages so far: %v", got), fmt.Sprintf("지금까지 받은 페이지: %v", got)),
			Hint: hint,
		})
	}
}
