package exercise

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/streams-workshop/kit/lang"
	ex "github.com/streams-workshop/kit/testkit/exercisetest"
)

func add(t *testing.T, rdb *redis.Client, user, message string) string {
	t.Helper()
	id, err := rdb.XAdd(context.Background(), &redis.XAddArgs{Stream: stream, Values: []string{user, message}}).Result()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestListen stands in for time with a hook on the listener's XREADs: the
// first one gets an entry as if it had arrived during the block; two more
// entries are added just before the second XREAD, that is, while the
// listener was handling the first.
func TestListen(t *testing.T) {
	env := ex.Start(t)
	own := env.Client()
	old := add(t, own, "user-a", "before the listener started")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var want []string
	reads := 0
	hook := func(hctx context.Context, cmds []redis.Cmder, send func() error) error {
		cmd := cmds[0]
		if cmd.Name() != "xread" {
			return send()
		}
		mu.Lock()
		reads++
		n := reads
		mu.Unlock()
		ids := ex.ReadIDs(cmd)
		if i, _ := ex.BlockArg(cmd); i < 0 {
			cancel()
			ex.Fail(t, ex.Report{
				Want: lang.Pick("a read that waits for new entries: XREAD BLOCK ...", "새 항목을 기다리는 읽기: XREAD BLOCK ..."),
				Got:  ex.Show(cmd),
				Hint: lang.Pick("set Block: time.Second in XReadArgs; without BLOCK, XREAD answers at once and your loop spins",
					"XReadArgs 에 Block: time.Second 를 주세요. BLOCK 이 없으면 XREAD 가 바로 답해서 반복문이 헛돕니다"),
			})
			return errors.New("stopped by the test")
		}
		switch {
		case n == 1 && (len(ids) != 1 || ids[0] != "$"):
			cancel()
			ex.Fail(t, ex.Report{
				Want: lang.Pick("the first read from $: only entries added after the listener starts", "첫 읽기는 $ 부터: 리스너가 시작한 뒤 추가된 항목만"),
				Got:  ex.Show(cmd),
				Hint: lang.Pick("start with Streams: []string{stream, \"$\"}; 0 would replay the whole stream",
					"Streams: []string{stream, \"$\"} 로 시작하세요. 0 은 stream 전체를 다시 읽습니다"),
			})
			return errors.New("stopped by the test")
		case n == 1:
			// An entry arrives while the listener waits: read from the ID $
			// stood for, after the entry added just now.
			e1 := add(t, own, "user-b", "are you there?")
			mu.Lock()
			want = append(want, e1)
			mu.Unlock()
			cmd.Args()[len(cmd.Args())-1] = old
		case n == 2:
			// Added after the first read returned, before the second was sent.
			e2, e3 := add(t, own, "user-a", "yes"), add(t, own, "user-a", "still here")
			mu.Lock()
			want = append(want, e2, e3)
			first := want[0]
			mu.Unlock()
			if ids[0] == "$" {
				cancel()
				ex.Fail(t, ex.Report{
					Want: lang.Pick(fmt.Sprintf("the second read after %s, the entry you received", first),
						fmt.Sprintf("두 번째 읽기는 받은 항목 %s 다음부터", first)),
					Got: lang.Pick(fmt.Sprintf("%s\nwhile you handled %s, %s and %s were added: $ skips them, they would never reach you", ex.Show(cmd), first, e2, e3),
						fmt.Sprintf("%s\n항목 %s 처리 중에 새 항목 두 개 (%s, %s) 가 추가됐습니다: $ 는 이들을 건너뛰어 영영 받지 못합니다", ex.Show(cmd), first, e2, e3)),
					Hint: lang.Pick("$ means \"after the newest entry, now\": send it only once, then continue from the ID of the last entry you received",
						"$ 는 \"지금 가장 새 항목 다음\" 이라는 뜻입니다. 한 번만 보내고, 그다음부터는 마지막으로 받은 항목의 ID 부터 이어 읽으세요"),
				})
				return errors.New("stopped by the test")
			}
		}
		return send()
	}
	rdb := env.Learner(hook)

	var got []string
	done := make(chan error, 1)
	go func() {
		done <- Listen(ctx, rdb, func(m redis.XMessage) {
			got = append(got, m.ID)
			if len(got) == 3 {
				cancel()
			}
		})
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		cancel()
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("Listen returns once its context is cancelled", "context 가 취소되면 Listen 이 끝남"),
			Got:  lang.Pick(fmt.Sprintf("still running after 10 s; it handled %v", got), fmt.Sprintf("10 초 뒤에도 실행 중; 처리한 항목 %v", got)),
			Hint: lang.Pick("loop while ctx.Err() == nil, with a short Block", "ctx.Err() == nil 인 동안 반복하고, Block 은 짧게"),
		})
	}
	ex.StopIfNotStarted(t, err, Listen)
	if t.Failed() {
		return
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("nil when the context is cancelled", "context 가 취소되면 nil"),
			Got:  err.Error(),
			Hint: lang.Pick("when ctx.Err() != nil, return nil: stopping is not a failure", "ctx.Err() != nil 이면 nil 을 반환하세요"),
		})
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		hint := lang.Pick("call handle once for each entry, in the order XREAD returns them", "XREAD 가 준 순서대로 항목마다 handle 을 한 번씩 부르세요")
		if len(got) > 0 && got[0] == old {
			hint = lang.Pick("$ means only what comes next: "+old+" was there before the listener started", "$ 는 이후에 오는 것만 뜻합니다: 리스너 시작 전부터 있던 항목 ("+old+") 은 받지 않아야 합니다")
		}
		ex.Fatal(t, ex.Report{
			Want: lang.Pick(fmt.Sprintf("handle called for %v", want), fmt.Sprintf("handle 이 %v 에 대해 불림", want)),
			Got:  lang.Pick(fmt.Sprintf("handle called for %v", got), fmt.Sprintf("handle 이 %v 에 대해 불림", got)),
			Hint: hint,
		})
	}
}

func TestWaitASecond(t *testing.T) {
	ctx := context.Background()
	env := ex.Start(t)
	own := env.Client()
	first := add(t, own, "user-a", "hi")
	second := add(t, own, "user-b", "hello")

	var blocks []int64
	hook := func(hctx context.Context, cmds []redis.Cmder, send func() error) error {
		if _, ms := ex.BlockArg(cmds[0]); cmds[0].Name() == "xread" {
			blocks = append(blocks, ms)
		}
		return send()
	}
	rdb := env.Learner(hook)

	msgs, err := WaitASecond(ctx, rdb, first)
	ex.StopIfNotStarted(t, err, WaitASecond)
	if err != nil || len(msgs) != 1 || msgs[0].ID != second {
		ex.Fatal(t, ex.Report{
			Want: lang.Pick(fmt.Sprintf("WaitASecond(after %s) returns %s at once", first, second), fmt.Sprintf("WaitASecond(%s 이후) 가 바로 반환하는 항목: %s", first, second)),
			Got:  fmt.Sprintf("%v, %v", ids(msgs), err),
			Hint: lang.Pick("XREAD STREAMS user-notifications <after>: rdb.XRead with Streams: []string{stream, after}",
				"XREAD STREAMS user-notifications <after>: rdb.XRead 에 Streams: []string{stream, after}"),
		})
	}

	blocks = nil
	msgs, err = WaitASecond(ctx, rdb, second)
	if t.Failed() {
		return // the guard has said why (BLOCK 0)
	}
	if len(blocks) != 1 || blocks[0] != 1000 {
		got := lang.Pick("no BLOCK: XREAD answered at once", "BLOCK 없음: XREAD 가 바로 답함")
		if len(blocks) == 1 && blocks[0] >= 0 {
			got = fmt.Sprintf("BLOCK %d", blocks[0])
		}
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("XREAD BLOCK 1000: wait up to one second", "XREAD BLOCK 1000: 최대 1 초 기다림"),
			Got:  got,
			Hint: lang.Pick("Block is a time.Duration: Block: time.Second sends BLOCK 1000", "Block 은 time.Duration 입니다: Block: time.Second 가 BLOCK 1000 을 보냅니다"),
		})
	}
	if errors.Is(err, redis.Nil) {
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("no entries and no error when the second passes with nothing new", "1 초 동안 새 항목이 없으면 항목도 오류도 없음"),
			Got:  lang.Pick("the error redis.Nil", "오류 redis.Nil"),
			Hint: lang.Pick("redis.Nil means the second passed and nothing came: that is not an error. if errors.Is(err, redis.Nil) { return nil, nil }",
				"redis.Nil 은 1 초가 지나도록 아무것도 오지 않았다는 뜻이지 오류가 아닙니다: if errors.Is(err, redis.Nil) { return nil, nil }"),
		})
	}
	if err != nil || len(msgs) != 0 {
		ex.Fatal(t, ex.Report{
			Want: lang.Pick("no entries and no error when nothing new comes", "새 항목이 없으면 항목도 오류도 없음"),
			Got:  fmt.Sprintf("%v, %v", ids(msgs), err),
			Hint: lang.Pick("after the timeout, return nil, nil", "시간이 다 되면 nil, nil 을 반환하세요"),
		})
	}
}

func ids(msgs []redis.XMessage) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.ID)
	}
	return out
}
