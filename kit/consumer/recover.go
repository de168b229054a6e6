package consumer

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// claimEvery is how often XAUTOCLAIM runs: often enough that an idle entry
// waits at most about 1.5 × ClaimMinIdle, and never more than every 10s.
func (c *Consumer) claimEvery() time.Duration {
	return min(max(c.cfg.ClaimMinIdle/2, 100*time.Millisecond), 10*time.Second)
}

// claim takes over entries idle for longer than ClaimMinIdle, in pages, and
// processes them. A bounded number of pages per tick keeps new entries moving.
func (c *Consumer) claim(ctx context.Context, r *reader) {
	start := "0-0"
	for range 10 {
		messages, next, err := c.rdb.XAutoClaim(context.WithoutCancel(ctx), &redis.XAutoClaimArgs{
			Stream:   c.cfg.Stream,
			Group:    c.cfg.Group,
			Consumer: c.cfg.Consumer,
			MinIdle:  c.cfg.ClaimMinIdle,
			Start:    start,
			Count:    c.count.Load(),
		}).Result()
		if err != nil {
			c.fail(ctx, err)
			return
		}
		c.markAlive()
		c.fitCount(messages)
		if len(messages) > 0 {
			c.claimed.Add(int64(len(messages)))
			c.cfg.Log.Info("claimed idle entries", "count", len(messages), "first", messages[0].ID)
			if !c.handle(ctx, batch{messages: messages, redelivered: true}) {
				r.restart()
				return
			}
		}
		if next == "0-0" || ctx.Err() != nil {
			return
		}
		start = next
	}
}

// fail deals with an error from Redis: it recreates a lost group, or backs off.
func (c *Consumer) fail(ctx context.Context, err error) {
	if isNoGroup(err) && c.recreateGroup(ctx) == nil {
		return
	}
	c.wait(ctx, err)
}

// wait backs off after a failure, up to 2s between tries (and less than
// ClaimMinIdle/2, for reclaimInHand), and logs the outage once rather than
// on every try.
func (c *Consumer) wait(ctx context.Context, err error) {
	o := &c.outage
	o.Lock()
	first := o.since.IsZero()
	if first {
		o.since = time.Now()
		o.backoff = min(100*time.Millisecond, c.cfg.ClaimMinIdle/2)
	} else {
		o.backoff = min(2*o.backoff, 2*time.Second, c.cfg.ClaimMinIdle/2)
	}
	o.problem = "cannot process " + c.cfg.Stream + ": " + plainWords(err)
	backoff := o.backoff
	o.Unlock()
	if first {
		c.logFailure(ctx, err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(backoff):
	}
}

// logFailure says what the first failure of a run of them was. A call that
// timed out while this process was paused (SIGSTOP, a laptop asleep) fails
// though Redis is fine: a PING tells the two apart.
func (c *Consumer) logFailure(ctx context.Context, err error) {
	down := redisFault(err)
	if down {
		pingCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		down = c.rdb.Ping(pingCtx).Err() != nil
		cancel()
	}
	c.outage.Lock()
	c.outage.down = down
	c.outage.Unlock()
	switch {
	case down:
		c.cfg.Log.Warn("Redis is unavailable; retrying with backoff", "err", err)
	case redisFault(err):
		c.cfg.Log.Info("a call to Redis failed, and Redis answers: trying again", "err", err)
	default:
		c.cfg.Log.Warn("a batch failed; its entries stay pending and are tried again", "err", err)
	}
}

// up notes that Redis answers again.
func (c *Consumer) up() {
	o := &c.outage
	o.Lock()
	defer o.Unlock()
	if !o.since.IsZero() {
		if o.down {
			c.cfg.Log.Info("Redis is back", "after", time.Since(o.since).Round(time.Millisecond))
		}
		o.since, o.problem, o.down = time.Time{}, "", false
	}
}

// Problem says, in plain words, why the consumer is not getting through
// right now, or "" when it is.
func (c *Consumer) Problem() string {
	c.outage.Lock()
	defer c.outage.Unlock()
	return c.outage.problem
}
