package exercise

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/lang"
	ex "github.com/streams-workshop/kit/testkit/exercisetest"
)

// setup starts a Redis with n entries in user-notifications and group1
// created at 0, and returns the entries' IDs.
func setup(t *testing.T, n int) (*ex.Env, *redis.Client, []string) {
	t.Helper()
	ctx := context.Background()
	env := ex.Start(t)
	own := env.Client()
	var ids []string
	for i := 1; i <= n; i++ {
		id, err := own.XAdd(ctx, &redis.XAddArgs{Stream: stream, ID: fmt.Sprintf("%d-0", i), Values: []string{"user-a", fmt.Sprint("message ", i)}}).Result()
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := own.XGroupCreateMkStream(ctx, stream, group, "0").Err(); err != nil {
		t.Fatal(err)
	}
	return env, own, ids
}

// readAs delivers count new entries to consumer, who does not ack them.
func readAs(t *testing.T, own *redis.Client, consumer string, count int64) {
	t.Helper()
	err := own.XReadGroup(context.Background(), &redis.XReadGroupArgs{
		Group: group, Consumer: consumer, Streams: []string{stream, ">"}, Count: count, Block: -1,
	}).Err()
	if err != nil {
		t.Fatal(err)
	}
}

// pendingIDs lists the group's pending entries as ID@consumer.
func pendingIDs(t *testing.T, own *redis.Client) []string {
	t.Helper()
	ps, err := own.XPendingExt(context.Background(), &redis.XPendingExtArgs{Stream: stream, Group: group, Start: "-", End: "+", Count: 100}).Result()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range ps {
		out = append(out, p.ID+"@"+p.Consumer)
	}
	return out
}

func same(a, b []string) bool { return strings.Join(a, " ") == strings.Join(b, " ") }

func TestConsumeBatch(t *testing.T) {
	env, own, ids := setup(t, 3)
	noack := false
	rdb := env.Learner(func(ctx context.Context, cmds []redis.Cmder, send func() error) error {
		for _, a := range cmds[0].Args() {
			if s, _ := a.(string); strings.EqualFold(s, "noack") {
				noack = true
			}
		}
		return send()
	})
	var handled []string
	acked, err := ConsumeBatch(context.Background(), rdb, "consumer-1", func(m redis.XMessage) error {
		handled = append(handled, m.ID)
		if m.ID == ids[1] {
			return errors.New("handler failed")
		}
		return nil
	})
	ex.StopIfNotStarted(t, err, ConsumeBatch)
	if t.Failed() {
		return
	}
	if err != nil || !same(handled, ids) {
		ex.Fatal(t, ex.Report{
			Want: lang.Pick(fmt.Sprintf("handle called for the 3 new entries %v", ids), fmt.Sprintf("새 항목 3개 %v 에 대해 handle 이 불림", ids)),
			Got:  lang.Pick(fmt.Sprintf("handle called for %v; error %v", handled, err), fmt.Sprintf("handle 이 %v 에 대해 불림; 오류 %v", handled, err)),
			Hint: lang.Pick("'>' asks the group for entries never delivered to anyone; 0 would read your own pending ones, and a new consumer has none. XREADGROUP GROUP group1 consumer-1 COUNT 10 STREAMS user-notifications >",
				"'>' 는 아직 아무에게도 전달되지 않은 항목을 그룹에 요청합니다. 0 은 자기 대기 목록을 읽는데, 새 consumer 에게는 없습니다. XREADGROUP GROUP group1 consumer-1 COUNT 10 STREAMS user-notifications >"),
		})
	}
	wantPending := []string{ids[1] + "@consumer-1"}
	if got := pendingIDs(t, own); !same(got, wantPending) || acked != 2 {
		hint := lang.Pick("acknowledge only after handle returned nil: an entry you ack leaves the pending list, and nobody will try it again",
			"handle 이 nil 을 반환한 뒤에만 XACK 하세요: XACK 한 항목은 대기 목록에서 빠져 아무도 다시 시도하지 않습니다")
		switch {
		case noack:
			hint = lang.Pick("NOACK acknowledges each entry the moment it is delivered, so a failed one is lost: read without NoAck, and XACK after handle returned nil",
				"NOACK 은 전달되는 순간 확인 처리하므로 실패한 항목을 잃습니다: NoAck 없이 읽고, handle 이 nil 을 반환한 뒤 XACK 하세요")
		case len(got) > 1:
			hint = lang.Pick("XACK user-notifications group1 <id> for each entry whose handle returned nil", "handle 이 nil 을 반환한 항목마다 XACK user-notifications group1 <id>")
		}
		ex.Fatal(t, ex.Report{
			Want: lang.Pick(fmt.Sprintf("%s, whose handler failed, still pending; the two others acked (ConsumeBatch returns 2)", ids[1]),
				fmt.Sprintf("handler 가 실패한 항목 (%s) 은 대기 중, 나머지 둘은 확인 처리 (ConsumeBatch 는 2 를 반환)", ids[1])),
			Got:  lang.Pick(fmt.Sprintf("ConsumeBatch returned %d\n", acked), fmt.Sprintf("ConsumeBatch 가 %d 를 반환\n", acked)) + ex.Pending(t, own, stream, group),
			Hint: hint,
		})
	}
}

func TestRecover(t *testing.T) {
	ctx := context.Background()
	env, own, ids := setup(t, 4)
	// consumer-2 read two entries and died an hour ago (IDLE sets how long
	// they have waited); consumer-1 read the third just now and is at work.
	readAs(t, own, "consumer-2", 2)
	if err := own.Do(ctx, "XCLAIM", stream, group, "consumer-2", 0, ids[0], ids[1], "IDLE", time.Hour.Milliseconds()).Err(); err != nil {
		t.Fatal(err)
	}
	readAs(t, own, "consumer-1", 1)
	before := ex.Pending(t, own, stream, group)

	var handled []string
	acked, err := Recover(ctx, env.Learner(), "rescuer", time.Minute, func(m redis.XMessage) error {
		handled = append(handled, m.ID)
		return nil
	})
	ex.StopIfNotStarted(t, err, Recover)
	if t.Failed() {
		return
	}
	got := lang.Pick("before:\n", "전:\n") + before + lang.Pick(fmt.Sprintf("\nRecover(minIdle 1m) handled %v, returned %d, %v\nafter:\n", handled, acked, err),
		fmt.Sprintf("\nRecover(minIdle 1m) 가 %v 처리, %d, %v 반환\n후:\n", handled, acked, err)) + ex.Pending(t, own, stream, group)
	want := lang.Pick(fmt.Sprintf("the rescuer handles and acks %s and %s, idle for an hour; %s, read by consumer-1 just now, stays with it", ids[0], ids[1], ids[2]),
		fmt.Sprintf("rescuer 가 한 시간 쉬고 있던 항목 두 개 (%s, %s) 를 처리하고 XACK; 방금 consumer-1 이 읽은 항목 (%s) 은 그대로", ids[0], ids[1], ids[2]))
	if err != nil || !same(handled[:min(2, len(handled))], ids[:2]) {
		ex.Fatal(t, ex.Report{Want: want, Got: got,
			Hint: lang.Pick("XAUTOCLAIM user-notifications group1 rescuer <minIdle> 0-0: rdb.XAutoClaim with MinIdle: minIdle, Start: \"0-0\"; call it again with the cursor it returns until it is 0-0",
				"XAUTOCLAIM user-notifications group1 rescuer <minIdle> 0-0: rdb.XAutoClaim 에 MinIdle: minIdle, Start: \"0-0\". 돌려받은 커서가 0-0 이 될 때까지 다시 부르세요")})
	}
	if len(handled) > 2 {
		ex.Fatal(t, ex.Report{Want: want, Got: got,
			Hint: lang.Pick(ids[2]+" belongs to a consumer that is still working on it: pass MinIdle: minIdle, so that only entries idle that long are taken",
				"이 항목 ("+ids[2]+") 은 아직 일하는 consumer 의 것입니다: MinIdle: minIdle 을 주어 그만큼 쉬고 있던 항목만 가져오세요")})
	}
	if p := pendingIDs(t, own); !same(p, []string{ids[2] + "@consumer-1"}) {
		ex.Fatal(t, ex.Report{Want: want, Got: got,
			Hint: lang.Pick("XACK each entry you handled: a claimed entry stays pending, now under your name, until acked, and will be claimed again",
				"처리한 항목마다 XACK 하세요: 가져온 항목은 XACK 할 때까지 이제 여러분 이름으로 대기 중이며, 다시 claim 됩니다")})
	}
}

func TestRestart(t *testing.T) {
	ctx := context.Background()
	env, own, ids := setup(t, 3)
	// consumer-1 read two entries, then crashed; the third came while it was down.
	readAs(t, own, "consumer-1", 2)
	before := ex.Pending(t, own, stream, group)

	var handled []string
	n, err := Restart(ctx, env.Learner(), "consumer-1", func(m redis.XMessage) error {
		handled = append(handled, m.ID)
		return nil
	})
	ex.StopIfNotStarted(t, err, Restart)
	if t.Failed() {
		return
	}
	if err == nil && same(handled, ids) && n == 3 && len(pendingIDs(t, own)) == 0 {
		return
	}
	hint := lang.Pick("XACK each entry after its handle returned nil", "handle 이 nil 을 반환한 항목마다 XACK 하세요")
	switch {
	case len(handled) > 0 && handled[0] == ids[2]:
		hint = lang.Pick("after a restart, the entries you held are still yours, and '>' never hands them out again: read with ID 0 first (your pending entries), then '>'",
			"재시작 뒤에도 들고 있던 항목은 여러분의 것이고, '>' 는 그것을 다시 주지 않습니다: 먼저 ID 0 으로 (자기 대기 항목), 그다음 '>' 로 읽으세요")
	case same(handled, ids[:2]):
		hint = lang.Pick("when a read with ID 0 returns no entries, your pending list is done: then switch to '>' for what came while you were down",
			"ID 0 읽기가 빈 결과를 주면 대기 목록은 끝난 것입니다: 그다음 '>' 로 바꿔, 꺼져 있는 동안 온 항목을 읽으세요")
	case !same(handled, ids):
		hint = lang.Pick("read with ID 0 first, then switch to '>'; call handle for each entry, oldest first",
			"먼저 ID 0 으로, 그다음 '>' 로 읽으세요. 오래된 항목부터 하나씩 handle 을 부르세요")
	}
	ex.Fatal(t, ex.Report{
		Want: lang.Pick(fmt.Sprintf("consumer-1 handles %v: first the two it held, then the new one; nothing left pending", ids),
			fmt.Sprintf("consumer-1 이 %v 순서로 처리: 먼저 들고 있던 두 개, 그다음 새 항목; 대기 항목 없음", ids)),
		Got: lang.Pick("before:\n", "전:\n") + before + lang.Pick(fmt.Sprintf("\nRestart handled %v, returned %d, %v\nafter:\n", handled, n, err),
			fmt.Sprintf("\nRestart 가 %v 처리, %d, %v 반환\n후:\n", handled, n, err)) + ex.Pending(t, own, stream, group),
		Hint: hint,
	})
}
