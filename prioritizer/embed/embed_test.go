package embed

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/voc-dev/voc/internal/httpx"
	"github.com/voc-dev/voc/internal/redact"
	"github.com/voc-dev/voc/prioritizer/embed/embedtest"
)

// memCache is a Cache in memory.
type memCache map[string][]float32

func (m memCache) Embeddings(_ context.Context, keys []string) (map[string][]float32, error) {
	out := map[string][]float32{}
	for _, k := range keys {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return out, nil
}

func (m memCache) PutEmbeddings(_ context.Context, vecs map[string][]float32) error {
	for k, v := range vecs {
		m[k] = v
	}
	return nil
}

var fast = httpx.Policy{MaxAttempts: 3, Sleep: func(context.Context, time.Duration) error { return nil }}

func newClient(t *testing.T, srv *embedtest.Server, cache Cache, batch int) *Client {
	t.Helper()
	return clientFor(t, srv.URL, cache, batch)
}

func clientFor(t *testing.T, url string, cache Cache, batch int) *Client {
	t.Helper()
	c, err := New(Config{BaseURL: url + "/v1/", Model: "text-embedding-3-small", APIKey: "sk-embed-secret", RPS: 1000, Batch: batch}, redact.New(), cache)
	if err != nil {
		t.Fatal(err)
	}
	return c.WithPolicy(fast)
}

func dot(a, b []float32) (s float64) {
	for i := range a {
		s += float64(a[i] * b[i])
	}
	return s
}

func TestEmbedRedactsBatchesAndCaches(t *testing.T) {
	srv := embedtest.New()
	defer srv.Close()
	cache := memCache{}
	c := newClient(t, srv, cache, 2)
	texts := []string{
		"Please add a dark theme, mail dana@globex.example or call +1 415 555 0134",
		"ダークモードがほしいです",
		"Please add a dark theme, mail dana@globex.example or call +1 415 555 0134", // repeated: sent once
		"Invoices are slow to load",
		"",
	}
	vecs, err := c.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	if len(vecs) != len(texts) {
		t.Fatalf("%d vectors for %d texts", len(vecs), len(texts))
	}
	for i, v := range vecs {
		if n := dot(v, v); n < 0.999 || n > 1.001 {
			t.Errorf("vector %d has squared length %g, want 1", i, n)
		}
	}
	if got := srv.Requests(); got != 2 { // four distinct texts, two per request
		t.Errorf("requests = %d, want 2", got)
	}
	if len(srv.Inputs) != 4 {
		t.Errorf("inputs sent = %q, want the 4 distinct texts", srv.Inputs)
	}
	for _, in := range srv.Inputs {
		if strings.Contains(in, "dana@globex.example") || strings.Contains(in, "555 0134") {
			t.Errorf("personal data reached the endpoint: %q", in)
		}
	}
	for _, a := range srv.Auth {
		if a != "Bearer sk-embed-secret" {
			t.Errorf("Authorization = %q", a)
		}
	}
	if s := dot(vecs[0], vecs[1]); s < 0.6 {
		t.Errorf("the English and Japanese dark-mode asks are %.2f apart, want near", s)
	}
	if s := dot(vecs[0], vecs[3]); s > 0.5 {
		t.Errorf("dark mode and slow invoices are %.2f similar, want apart", s)
	}
	// A second run is answered from the cache: no request at all.
	again := newClient(t, srv, cache, 2)
	if _, err := again.Embed(context.Background(), texts); err != nil {
		t.Fatal(err)
	}
	if srv.Requests() != 2 || again.Cached != len(texts) {
		t.Errorf("second run: requests %d (want still 2), cached %d (want %d)", srv.Requests(), again.Cached, len(texts))
	}
	for k := range cache {
		if strings.Contains(k, "dark") || len(k) != 64 {
			t.Errorf("cache key %q is not a hash", k)
		}
	}
}

func TestEmbedErrorsCarryNoTextOrKey(t *testing.T) {
	srv := embedtest.New()
	defer srv.Close()
	for _, status := range []int{http.StatusBadRequest, http.StatusServiceUnavailable} {
		srv.Fail = status
		c := newClient(t, srv, nil, 0)
		_, err := c.Embed(context.Background(), []string{"our secret roadmap item"})
		if err == nil {
			t.Fatalf("status %d: no error", status)
		}
		msg := err.Error()
		if strings.Contains(msg, "roadmap") || strings.Contains(msg, "sk-embed-secret") {
			t.Errorf("error leaks the text or key: %s", msg)
		}
		if !strings.Contains(msg, "http ") || !strings.Contains(msg, "texts 1-1") {
			t.Errorf("error does not name the status and batch: %s", msg)
		}
	}
	if srv.Requests() != 1+3 { // 400 is final; 503 is retried up to the policy's 3 attempts
		t.Errorf("requests = %d, want 4", srv.Requests())
	}
}

func TestEmbedRejectsBadAnswers(t *testing.T) {
	for name, body := range map[string]string{
		"count":  `{"object":"list","data":[]}`,
		"index":  `{"object":"list","data":[{"object":"embedding","index":3,"embedding":[1,0]}]}`,
		"zero":   `{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0,0]}]}`,
		"syntax": `{"object":"list","data":[{`,
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(body)) }))
			defer srv.Close()
			c := clientFor(t, srv.URL, nil, 0)
			if _, err := c.Embed(context.Background(), []string{"one ask"}); err == nil {
				t.Fatalf("answer %s accepted", body)
			} else if name != "syntax" && name != "count" && !strings.Contains(err.Error(), "data[0]") {
				t.Errorf("error does not name the field: %v", err)
			}
		})
	}
}

func TestNewChecksConfig(t *testing.T) {
	for _, cfg := range []Config{
		{BaseURL: "http://x/v1"},                             // no model
		{BaseURL: "ftp://x/v1", Model: "m"},                  // scheme
		{BaseURL: "http://x/v1?k=1", Model: "m"},             // query
		{BaseURL: "http://x/v1", Model: "m", Dimensions: -1}, // dims
		{BaseURL: "http://x/v1", Model: "m", RPS: -1},
	} {
		if _, err := New(cfg, redact.New(), nil); err == nil {
			t.Errorf("config %+v accepted", cfg)
		}
	}
	if _, err := New(Config{BaseURL: "http://x/v1", Model: "m"}, nil, nil); err == nil {
		t.Error("a client without a redactor was made")
	}
}
