package server

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/voc-dev/voc/store"
)

// TestBatchHandlerTakesAClaimedBatchInOneCall: events of a kind registered
// with HandleEventBatches reach their handler together, one call per
// claimed batch, and each is settled by its own result: a failed one is
// retried alone, a permanent one set aside, the rest done; other kinds in
// the same claim still go to their own handler.
func TestBatchHandlerTakesAClaimedBatchInOneCall(t *testing.T) {
	st := sqliteStore(t)
	s := newServer(t, st, func(c *Config) { c.Workers, c.Batch, c.MaxAttempts = 1, 8, 3 })
	var mu sync.Mutex
	var calls [][]string
	runs := map[string]int{}
	s.HandleEventBatches("slack.event", func(ctx context.Context, evs []store.Event) []error {
		mu.Lock()
		defer mu.Unlock()
		var ids []string
		errs := make([]error, len(evs))
		for i, ev := range evs {
			ids = append(ids, ev.DeliveryID)
			runs[ev.DeliveryID]++
			switch {
			case ev.DeliveryID == "flaky" && runs["flaky"] == 1:
				errs[i] = errors.New("slack: rate limited")
			case ev.DeliveryID == "bad":
				errs[i] = Permanent(errors.New("payload: event: missing"))
			}
		}
		calls = append(calls, ids)
		return errs
	})
	s.HandleEvents("github", func(ctx context.Context, ev store.Event) error {
		mu.Lock()
		defer mu.Unlock()
		runs["gh:"+ev.DeliveryID]++
		return nil
	})
	ctx := context.Background()
	for _, id := range []string{"r1", "r2", "flaky", "r3", "bad", "r4"} {
		if _, err := st.Enqueue(ctx, "slack", id, "slack.event", nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Enqueue(ctx, "github", "g1", "github.issues", nil); err != nil {
		t.Fatal(err)
	}
	start(t, s)
	eventually(t, "queue drained", func() bool {
		q, _ := st.QueueStats(ctx)
		return q.Pending == 0
	})
	mu.Lock()
	defer mu.Unlock()
	if len(calls) < 2 || fmt.Sprint(calls[0]) != "[r1 r2 flaky r3 bad r4]" {
		t.Fatalf("batch calls %v: want the six claimed events in one call, in order, then the retry", calls)
	}
	for _, c := range calls[1:] {
		if fmt.Sprint(c) != "[flaky]" {
			t.Fatalf("batch calls %v: only the failed event runs again", calls)
		}
	}
	want := map[string]int{"r1": 1, "r2": 1, "r3": 1, "r4": 1, "flaky": 2, "bad": 1, "gh:g1": 1}
	for k, n := range want {
		if runs[k] != n {
			t.Errorf("%s ran %d times, want %d", k, runs[k], n)
		}
	}
	q, _ := st.QueueStats(ctx)
	if q.Done != 6 || q.Dead != 1 {
		t.Fatalf("queue %+v: want 6 done and the permanent failure dead", q)
	}
}

// TestBatchHandlerPanicOrShortAnswerFailsTheBatch: a batch handler that
// panics, or answers for fewer events than it was given, fails every event
// of the batch, which are then retried rather than lost or marked done.
func TestBatchHandlerPanicOrShortAnswerFailsTheBatch(t *testing.T) {
	for _, tc := range []struct {
		name string
		fn   BatchFunc
	}{
		{"panic", func(ctx context.Context, evs []store.Event) []error { panic("index out of range") }},
		{"short", func(ctx context.Context, evs []store.Event) []error { return nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := sqliteStore(t)
			s := newServer(t, st, func(c *Config) { c.Workers, c.MaxAttempts = 1, 1 })
			s.HandleEventBatches("slack", tc.fn)
			ctx := context.Background()
			for _, id := range []string{"a", "b", "c"} {
				if _, err := st.Enqueue(ctx, "slack", id, "slack.event", nil); err != nil {
					t.Fatal(err)
				}
			}
			start(t, s)
			eventually(t, "the batch set aside", func() bool {
				q, _ := st.QueueStats(ctx)
				return q.Dead == 3
			})
			if q, _ := st.QueueStats(ctx); q.Done != 0 {
				t.Fatalf("queue %+v: no event of a failed batch may be marked done", q)
			}
		})
	}
}
