// Package embed fetches text embeddings from any OpenAI-compatible
// /embeddings endpoint, for clustering asks by meaning rather than by the
// words they share. It is off unless configured: voc clusters with TF-IDF
// and needs no network.
//
// Every text is redacted before it leaves the machine and before it is
// hashed for the cache, so the cache's keys and the requests hold no
// personal data. Vectors are cached by that hash (in the store, so a
// second run, or a run after a crash, pays only for new texts), requests
// are batched, rate-limited and retried under internal/httpx's policy, and
// errors never carry request or response bodies.
package embed

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/voc-dev/voc/internal/httpx"
	"github.com/voc-dev/voc/internal/textnorm"
)

// EnvAPIKey is the environment variable the API key is read from.
const EnvAPIKey = "VOC_EMBEDDINGS_API_KEY"

// Defaults for unset Config fields.
const (
	DefaultTimeout = 30 * time.Second
	DefaultRPS     = 2
	DefaultBatch   = 64
)

// Limits that keep one text or one server from costing much.
const (
	maxTextRunes = 2000     // longer texts are cut before sending
	maxBodyBytes = 64 << 20 // responses larger than this are refused
	maxDims      = 1 << 14
)

// Config says where and how to fetch embeddings.
type Config struct {
	BaseURL string // API root, e.g. https://api.openai.com/v1
	Model   string // e.g. text-embedding-3-small
	// Dimensions, when set, asks the server for shorter vectors (the
	// OpenAI "dimensions" parameter): less memory per ask.
	Dimensions int
	APIKey     string // from the environment (EnvAPIKey), never a file
	Timeout    time.Duration
	RPS        float64 // requests per second
	Batch      int     // texts per request
}

// Redactor strips personal data from text.
type Redactor interface{ Redact(string) string }

// Cache keeps vectors by key across runs. Get returns those it has.
type Cache interface {
	Embeddings(ctx context.Context, keys []string) (map[string][]float32, error)
	PutEmbeddings(ctx context.Context, vecs map[string][]float32) error
}

// Client fetches embeddings, one Embed call at a time.
type Client struct {
	cfg      Config
	endpoint string
	redactor Redactor
	cache    Cache
	http     *httpx.Client
	limiter  *rate.Limiter
	// Requests and Cached count calls made and texts the cache answered.
	Requests, Cached int
}

// New checks cfg and returns a client. The redactor is required, so that
// nothing personal leaves the machine; cache may be nil (no reuse across
// runs).
func New(cfg Config, redactor Redactor, cache Cache) (*Client, error) {
	if redactor == nil {
		return nil, errors.New("embed: a redactor is required so no personal data is sent")
	}
	cfg.Model = strings.TrimSpace(cfg.Model)
	if cfg.Model == "" {
		return nil, errors.New("embed: model must be set (for example text-embedding-3-small)")
	}
	endpoint, err := httpx.Endpoint(cfg.BaseURL, "/embeddings")
	if err != nil {
		return nil, fmt.Errorf("embed: base_url %w", err)
	}
	switch {
	case cfg.Dimensions < 0 || cfg.Dimensions > maxDims:
		return nil, fmt.Errorf("embed: dimensions must be between 1 and %d, got %d", maxDims, cfg.Dimensions)
	case cfg.Timeout < 0:
		return nil, fmt.Errorf("embed: timeout must not be negative, got %s", cfg.Timeout)
	case math.IsNaN(cfg.RPS) || cfg.RPS < 0:
		return nil, fmt.Errorf("embed: rps must be positive, got %g", cfg.RPS)
	case cfg.Batch < 0:
		return nil, fmt.Errorf("embed: batch must be positive, got %d", cfg.Batch)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.RPS == 0 {
		cfg.RPS = DefaultRPS
	}
	if cfg.Batch == 0 {
		cfg.Batch = DefaultBatch
	}
	return &Client{cfg: cfg, endpoint: endpoint, redactor: redactor, cache: cache,
		http: httpx.New(cfg.Timeout), limiter: rate.NewLimiter(rate.Limit(cfg.RPS), 1)}, nil
}

// WithPolicy replaces the retry policy (tests make it fast).
func (c *Client) WithPolicy(p httpx.Policy) *Client { c.http.Policy = p; return c }

// Key is the cache key of an already redacted text under cfg: a hash, so
// no text is kept in the keys.
func (c *Client) Key(redacted string) string {
	h := sha256.New()
	fmt.Fprintf(h, "voc-embed-v1\x00%s\x00%d\x00", c.cfg.Model, c.cfg.Dimensions)
	h.Write([]byte(redacted))
	return hex.EncodeToString(h.Sum(nil))
}

// Embed returns one unit-length vector per text, in order. Texts are
// redacted first; repeated texts are sent once, cached ones not at all.
// Any failure returns an error naming the batch and the cause; vectors
// fetched before it are already cached.
func (c *Client) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	keys := make([]string, len(texts))
	red := make([]string, len(texts))
	for i, t := range texts {
		red[i] = textnorm.TruncateRunes(strings.TrimSpace(c.redactor.Redact(t)), maxTextRunes)
		if red[i] == "" {
			red[i] = "-" // the API refuses empty input
		}
		keys[i] = c.Key(red[i])
	}
	have := map[string][]float32{}
	if c.cache != nil {
		got, err := c.cache.Embeddings(ctx, slices.Compact(slices.Sorted(slices.Values(keys))))
		if err != nil {
			return nil, fmt.Errorf("embed: cache: %w", err)
		}
		have = got
	}
	var todo []int // first index of each missing key
	queued := map[string]bool{}
	for i, k := range keys {
		if _, ok := have[k]; ok {
			c.Cached++
			continue
		}
		if !queued[k] {
			queued[k] = true
			todo = append(todo, i)
		}
	}
	for start := 0; start < len(todo); start += c.cfg.Batch {
		batch := todo[start:min(start+c.cfg.Batch, len(todo))]
		in := make([]string, len(batch))
		for j, i := range batch {
			in[j] = red[i]
		}
		vecs, err := c.fetch(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("embed: texts %d-%d of %d to fetch: %w", start+1, start+len(batch), len(todo), err)
		}
		got := make(map[string][]float32, len(batch))
		for j, i := range batch {
			got[keys[i]] = vecs[j]
			have[keys[i]] = vecs[j]
		}
		if c.cache != nil {
			if err := c.cache.PutEmbeddings(ctx, got); err != nil {
				return nil, fmt.Errorf("embed: cache: %w", err)
			}
		}
	}
	out := make([][]float32, len(texts))
	for i, k := range keys {
		out[i] = have[k]
	}
	return out, nil
}

type request struct {
	Model      string   `json:"model"`
	Input      []string `json:"input"`
	Dimensions int      `json:"dimensions,omitempty"`
	Format     string   `json:"encoding_format"`
}

type response struct {
	Data []struct {
		Index     *int      `json:"index"`
		Embedding []float64 `json:"embedding"`
	} `json:"data"`
}

// fetch sends one batch and checks the answer: one finite, non-zero vector
// per input, all of one length.
func (c *Client) fetch(ctx context.Context, in []string) ([][]float32, error) {
	body, err := json.Marshal(request{Model: c.cfg.Model, Input: in, Dimensions: c.cfg.Dimensions, Format: "float"})
	if err != nil {
		return nil, errors.New("could not encode the request")
	}
	if err := c.limiter.Wait(ctx); err != nil {
		return nil, errors.New("canceled while waiting for the rate limiter")
	}
	c.Requests++
	resp, err := c.http.Do(ctx, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
		if err != nil {
			return nil, errors.New("could not build the request")
		}
		req.Header.Set("Content-Type", "application/json")
		if c.cfg.APIKey != "" {
			req.Header.Set("Authorization", "Bearer "+c.cfg.APIKey)
		}
		return req, nil
	})
	if err != nil {
		return nil, c.clean(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	if err != nil {
		return nil, c.clean(err)
	}
	if len(data) > maxBodyBytes {
		return nil, fmt.Errorf("response larger than %d bytes", maxBodyBytes)
	}
	var r response
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, errors.New("malformed response body")
	}
	if len(r.Data) != len(in) {
		return nil, fmt.Errorf("response has %d embeddings for %d inputs", len(r.Data), len(in))
	}
	out := make([][]float32, len(in))
	dims := 0
	for n, d := range r.Data {
		i := n
		if d.Index != nil {
			i = *d.Index
		}
		switch {
		case i < 0 || i >= len(in) || out[i] != nil:
			return nil, fmt.Errorf("data[%d].index: %d is out of range or repeated", n, i)
		case len(d.Embedding) == 0 || len(d.Embedding) > maxDims:
			return nil, fmt.Errorf("data[%d].embedding: has %d dimensions", n, len(d.Embedding))
		case dims != 0 && len(d.Embedding) != dims:
			return nil, fmt.Errorf("data[%d].embedding: has %d dimensions, the others %d", n, len(d.Embedding), dims)
		}
		dims = len(d.Embedding)
		v, ok := unit(d.Embedding)
		if !ok {
			return nil, fmt.Errorf("data[%d].embedding: not finite or all zero", n)
		}
		out[i] = v
	}
	return out, nil
}

// clean drops what an error may echo: the body of a refused request, and
// the API key.
func (c *Client) clean(err error) error {
	var se *httpx.StatusError
	if errors.As(err, &se) {
		return fmt.Errorf("http %d from the embeddings endpoint", se.Status)
	}
	msg := err.Error()
	if c.cfg.APIKey != "" {
		msg = strings.ReplaceAll(msg, c.cfg.APIKey, "[api-key]")
	}
	return errors.New(msg)
}

// unit scales v to length 1, in float32.
func unit(v []float64) ([]float32, bool) {
	var n float64
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, false
		}
		n += x * x
	}
	if n == 0 {
		return nil, false
	}
	n = math.Sqrt(n)
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x / n)
	}
	return out, true
}
