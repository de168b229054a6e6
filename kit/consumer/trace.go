package consumer

import (
	"context"
	"errors"

	"github.com/streams-workshop/kit/tracing"
)

// traced wraps a handler in one consumer span per entry, each a child of the
// span that wrote the entry (its traceparent field). New wraps only with
// tracing on: off, a batch costs nothing more.
func traced(stream, group string, handle Handler) Handler {
	return func(ctx context.Context, batch []Message) (Result, error) {
		entries := make([]tracing.Entry, len(batch))
		handlerCtx := ctx
		for i := range batch {
			entryCtx, e := tracing.StartEntry(ctx, stream, group, batch[i].ID, batch[i].Values)
			entries[i], batch[i].Traceparent = e, e.Traceparent
			if len(batch) == 1 {
				handlerCtx = entryCtx // the handler's Redis commands join the entry's trace
			}
		}
		result, err := handle(handlerCtx, batch)
		rejected := make(map[string]string, len(result.Rejected))
		for _, r := range result.Rejected {
			rejected[r.ID] = r.Reason
		}
		for i, e := range entries {
			switch reason, ok := rejected[batch[i].ID]; {
			case err != nil:
				e.End(err)
			case ok:
				e.End(errors.New("dead-lettered: " + reason))
			default:
				e.End(nil)
			}
		}
		return result, err
	}
}
