package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/voc-dev/voc/store"
)

func TestWorkersProcessRetryAndSetAside(t *testing.T) {
	st := sqliteStore(t)
	s := newServer(t, st, func(c *Config) { c.MaxAttempts = 3 })
	var mu sync.Mutex
	got := map[string]int{}
	s.HandleEvents("github", func(ctx context.Context, ev store.Event) error {
		mu.Lock()
		defer mu.Unlock()
		got[ev.DeliveryID]++
		switch ev.DeliveryID {
		case "flaky":
			if got["flaky"] < 2 {
				return errors.New("tracker timed out")
			}
		case "bad":
			return Permanent(errors.New("payload: issue: missing"))
		case "panics":
			panic("boom")
		}
		return nil
	})
	s.HandleEvents("github.issues.special", func(ctx context.Context, ev store.Event) error {
		mu.Lock()
		defer mu.Unlock()
		got["special:"+ev.DeliveryID]++
		return nil
	})
	ctx := context.Background()
	for _, id := range []string{"a", "b", "flaky", "bad"} {
		st.Enqueue(ctx, "github", id, "github.issues", nil)
	}
	st.Enqueue(ctx, "github", "s", "github.issues.special", nil)
	st.Enqueue(ctx, "slack", "n", "slack.unknown", nil)
	start(t, s)
	// The flaky event's retry waits out a 2s backoff.
	eventually(t, "queue drained", func() bool {
		q, _ := st.QueueStats(ctx)
		return q.Pending == 0
	})
	mu.Lock()
	defer mu.Unlock()
	want := map[string]int{"a": 1, "b": 1, "flaky": 2, "bad": 1, "special:s": 1}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s ran %d times, want %d", k, got[k], n)
		}
	}
	if got["s"] != 0 {
		t.Error("the longer kind match did not win")
	}
	q, _ := st.QueueStats(ctx)
	if q.Done != 5 || q.Dead != 1 {
		t.Fatalf("queue %+v: want 5 done (one ignored) and the permanent failure dead", q)
	}
}

func TestPanickingHandlerIsRetriedNotFatal(t *testing.T) {
	st := sqliteStore(t)
	s := newServer(t, st, func(c *Config) { c.MaxAttempts = 1 })
	s.HandleEvents("x", func(ctx context.Context, ev store.Event) error { panic("nil map") })
	st.Enqueue(context.Background(), "x", "1", "x.y", nil)
	start(t, s)
	eventually(t, "event set aside", func() bool {
		q, _ := st.QueueStats(context.Background())
		return q.Dead == 1
	})
}

func TestGracefulShutdownFinishesOrRequeues(t *testing.T) {
	st := sqliteStore(t)
	ctx := context.Background()
	s := newServer(t, st, func(c *Config) { c.Grace = 300 * time.Millisecond; c.Workers = 1; c.Batch = 1 })
	var started, finished atomic.Int32
	release := make(chan struct{})
	s.HandleEvents("slow", func(ctx context.Context, ev store.Event) error {
		started.Add(1)
		select {
		case <-release: // the quick one finishes inside the grace
			finished.Add(1)
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	st.Enqueue(ctx, "slow", "1", "slow", nil)
	st.Enqueue(ctx, "slow", "2", "slow", nil)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- s.Run(runCtx) }()
	eventually(t, "first event started", func() bool { return started.Load() == 1 })
	go func() { time.Sleep(50 * time.Millisecond); close(release) }()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if finished.Load() != 1 {
		t.Fatalf("in-flight event not finished within the grace: %d", finished.Load())
	}
	q, _ := st.QueueStats(ctx)
	if q.Done != 1 || q.Pending != 1 {
		t.Fatalf("after shutdown %+v: want the in-flight one done, the other pending", q)
	}
	// The next server takes the untouched event at once, attempt 1.
	evs, _ := st.ClaimEvents(ctx, "next", 5, time.Minute)
	if len(evs) != 1 || evs[0].DeliveryID != "2" || evs[0].Attempts != 1 {
		t.Fatalf("requeued: %+v", evs)
	}
}

func TestShutdownCancelsWorkPastGraceAndHandsItBack(t *testing.T) {
	st := sqliteStore(t)
	ctx := context.Background()
	s := newServer(t, st, func(c *Config) { c.Grace = 100 * time.Millisecond; c.Workers = 1 })
	var started atomic.Int32
	s.HandleEvents("stuck", func(ctx context.Context, ev store.Event) error {
		started.Add(1)
		<-ctx.Done()
		return ctx.Err()
	})
	st.Enqueue(ctx, "stuck", "1", "stuck", nil)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- s.Run(runCtx) }()
	eventually(t, "event started", func() bool { return started.Load() == 1 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	evs, _ := st.ClaimEvents(ctx, "next", 5, time.Minute)
	if len(evs) != 1 || evs[0].Attempts != 1 {
		t.Fatalf("interrupted event not handed back uncounted: %+v", evs)
	}
}

func TestOpsEndpoints(t *testing.T) {
	st := sqliteStore(t)
	ready := errors.New("db down")
	var mu sync.Mutex
	s := newServer(t, st, func(c *Config) {
		c.Ready = func(context.Context) error { mu.Lock(); defer mu.Unlock(); return ready }
	})
	s.Handle("POST /hooks/github", s.Webhook(GitHubWebhook("k")))
	base, _ := start(t, s)
	get := func(p string) (int, string) {
		r, err := http.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(b)
	}
	if c, _ := get("/healthz"); c != 200 {
		t.Fatalf("healthz %d", c)
	}
	if c, _ := get("/readyz"); c != 503 {
		t.Fatalf("readyz with the database down: %d", c)
	}
	mu.Lock()
	ready = nil
	mu.Unlock()
	if c, _ := get("/readyz"); c != 200 {
		t.Fatalf("readyz %d", c)
	}
	st.Enqueue(context.Background(), "github", "waiting", "github.issues", nil)
	http.Post(base+"/hooks/github", "application/json", strings.NewReader(`{}`)) // unsigned: rejected
	c, m := get("/metrics")
	if c != 200 {
		t.Fatalf("metrics %d", c)
	}
	for _, want := range []string{
		`voc_webhook_deliveries_total{outcome="rejected",source="github"} 1`,
		`voc_http_requests_total{code="401",route="POST /hooks/github"} 1`,
		`voc_http_request_duration_seconds_count{route="GET /healthz"} 1`,
		"voc_queue_depth",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	_ = fmt.Sprint
}
