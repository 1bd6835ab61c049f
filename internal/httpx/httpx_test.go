package httpx

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func recorder(waits *[]time.Duration) func(context.Context, time.Duration) error {
	return func(_ context.Context, d time.Duration) error {
		*waits = append(*waits, d)
		return nil
	}
}

func get(url string) func(ctx context.Context) (*http.Request, error) {
	return func(ctx context.Context) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, "GET", url, nil)
	}
}

func TestRetryAfterIsObeyedNotHammered(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("User-Agent") != UserAgent {
			t.Errorf("user agent %q", r.Header.Get("User-Agent"))
		}
		if n.Add(1) <= 3 {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	var waits []time.Duration
	c := &Client{HTTP: srv.Client(), Policy: Policy{Sleep: recorder(&waits)}}
	resp, err := c.Do(context.Background(), get(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if n.Load() != 4 || len(waits) != 3 {
		t.Fatalf("%d requests, waits %v", n.Load(), waits)
	}
	for _, w := range waits {
		if w != 7*time.Second {
			t.Fatalf("waited %v, want Retry-After 7s", w)
		}
	}
}

func TestBackoffOn5xxThenGiveUp(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		http.Error(w, "boom", http.StatusBadGateway)
	}))
	defer srv.Close()
	var waits []time.Duration
	c := &Client{HTTP: srv.Client(), Policy: Policy{MaxAttempts: 4, BaseDelay: time.Second, Sleep: recorder(&waits), Rand: func() float64 { return 0.5 }}}
	_, err := c.Do(context.Background(), get(srv.URL+"/x?api_token=SECRET123&page=2"))
	var se *StatusError
	if !errors.As(err, &se) || se.Status != 502 || n.Load() != 4 {
		t.Fatalf("err %v after %d requests", err, n.Load())
	}
	if strings.Contains(err.Error(), "SECRET123") || !strings.Contains(err.Error(), "giving up after 4 attempts") {
		t.Fatalf("error %q", err)
	}
	// Exponential with jitter in the upper half: 0.75s, 1.5s, 3s.
	want := []time.Duration{750 * time.Millisecond, 1500 * time.Millisecond, 3 * time.Second}
	for i := range want {
		if waits[i] != want[i] {
			t.Fatalf("waits %v, want %v", waits, want)
		}
	}
}

func TestNoRetryOn4xx(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		http.Error(w, `{"error":"forbidden"}`, http.StatusForbidden)
	}))
	defer srv.Close()
	c := &Client{HTTP: srv.Client()}
	_, err := c.Do(context.Background(), get(srv.URL))
	var se *StatusError
	if !errors.As(err, &se) || se.Status != 403 || n.Load() != 1 || !strings.Contains(err.Error(), "forbidden") {
		t.Fatalf("err %v, %d requests", err, n.Load())
	}
}

func TestMaxElapsedBoundsTheWait(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	var waits []time.Duration
	c := &Client{HTTP: srv.Client(), Policy: Policy{MaxElapsed: 10 * time.Second, Sleep: recorder(&waits)}}
	if _, err := c.Do(context.Background(), get(srv.URL)); err == nil || !strings.Contains(err.Error(), "giving up") {
		t.Fatalf("err %v", err)
	}
	if len(waits) != 0 {
		t.Fatalf("waited %v past the bound", waits)
	}
}

func TestRetryAfterForms(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		h    http.Header
		want time.Duration
	}{
		{http.Header{"Retry-After": {"5"}}, 5 * time.Second},
		{http.Header{"Retry-After": {now.Add(90 * time.Second).Format(http.TimeFormat)}}, 90 * time.Second},
		{http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {"1795860120"}}, time.Unix(1795860120, 0).Sub(now)},
		{http.Header{"Ratelimit-Remaining": {"0"}, "Ratelimit-Reset": {"12"}}, 12 * time.Second},
		{http.Header{"X-Ratelimit-Remaining": {"10"}, "X-Ratelimit-Reset": {"12"}}, 0},
		{http.Header{}, 0},
	} {
		if got := RetryAfter(c.h, now); got != c.want {
			t.Errorf("RetryAfter(%v) = %v, want %v", c.h, got, c.want)
		}
	}
}

func TestMaskURL(t *testing.T) {
	u, _ := url.Parse("https://bob:pw@x.example/a?access_token=abc&page=2&apiKey=k")
	got := MaskURL(u)
	if strings.Contains(got, "abc") || strings.Contains(got, "pw") || strings.Contains(got, "=k") || !strings.Contains(got, "page=2") {
		t.Fatalf("MaskURL = %s", got)
	}
}
