package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/voc-dev/voc/store"
)

// served is what every voc serve test harness holds: the app, and the
// server's base URL ("" when the server is not started).
type served struct {
	a    *app
	base string
}

// queue counts the deliveries by state.
func (s served) queue(t *testing.T) store.QueueStats {
	t.Helper()
	q, err := s.a.st.QueueStats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// queued is how many deliveries the queue holds in any state.
func (s served) queued(t *testing.T) int64 {
	t.Helper()
	q := s.queue(t)
	return q.Pending + q.Done + q.Dead
}

// dead is how many deliveries were set aside after their last attempt.
func (s served) dead(t *testing.T) int64 {
	t.Helper()
	return s.queue(t).Dead
}

// drained waits until done events are processed and none is pending.
func (s served) drained(t *testing.T, done int64) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d events done", done), func() bool {
		q := s.queue(t)
		return q.Pending == 0 && q.Done >= done
	})
	if q := s.queue(t); q.Done != done || q.Dead != 0 {
		t.Fatalf("queue %+v, want %d done and none dead", q, done)
	}
}
