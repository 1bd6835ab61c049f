package llm

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/voc-dev/voc/classifier"
)

// Defaults applied by New to zero-valued Config fields, chosen so that a
// backend with only BaseURL and Model set is polite to a paid API and never
// stalls a classification run for long.
const (
	DefaultTimeout    = 20 * time.Second
	DefaultRPS        = 2.0
	DefaultMaxRetries = 2
	DefaultCacheSize  = 4096
)

// EnvAPIKey is the environment variable the API key should be read from, so
// that the key never has to live in a config file or on a command line.
const EnvAPIKey = "VOC_LLM_API_KEY"

// Config says which OpenAI-compatible endpoint to ask and how hard. Zero
// values take the documented defaults, so callers only set what they mean.
type Config struct {
	// BaseURL is the API root, such as https://api.openai.com/v1 or
	// http://localhost:11434/v1; requests go to BaseURL + "/chat/completions".
	BaseURL string
	// Model names the chat model, such as gpt-4o-mini. It is part of the
	// cache key, so switching models never serves another model's answers.
	Model string
	// APIKey is sent as a bearer token when non-empty. Read it from
	// VOC_LLM_API_KEY; it is never logged nor put in an error message.
	APIKey string
	// Timeout bounds each HTTP attempt (default 20s), so one hung request
	// cannot hold up a run.
	Timeout time.Duration
	// RPS caps requests per second, retries included (default 2), so a
	// large backlog does not trip the provider's rate limits.
	RPS float64
	// MaxRetries bounds retries after a 429, a 5xx or a network error
	// (default 2; a negative value disables retries).
	MaxRetries int
}

// String describes the config with the API key masked, so printing a
// Config with %v or %+v cannot leak the key.
func (c Config) String() string {
	return fmt.Sprintf("{BaseURL:%s Model:%s APIKey:%s Timeout:%s RPS:%g MaxRetries:%d}",
		c.BaseURL, c.Model, maskKey(c.APIKey), c.Timeout, c.RPS, c.MaxRetries)
}

// GoString masks the API key for %#v, for the same reason as String.
func (c Config) GoString() string { return "llm.Config" + c.String() }

// LogValue masks the API key when a Config is passed to slog, for the same
// reason as String.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("base_url", c.BaseURL),
		slog.String("model", c.Model),
		slog.String("api_key", maskKey(c.APIKey)),
		slog.Duration("timeout", c.Timeout),
		slog.Float64("rps", c.RPS),
		slog.Int("max_retries", c.MaxRetries),
	)
}

func maskKey(k string) string {
	if k == "" {
		return "(none)"
	}
	return "[set]"
}

// Stats counts what the backend did, so a run can log or export how often
// the LLM answered, how often the cache saved a call and how often the
// fallback model had to step in.
type Stats struct {
	Texts     int64 // texts asked about, cache hits included
	CacheHits int64 // texts answered from the cache without an HTTP call
	Calls     int64 // HTTP requests sent, retries included
	Retries   int64 // requests that were retries of an earlier failed one
	Errors    int64 // failed requests and unusable answers, retried or not
	Fallbacks int64 // texts answered by the fallback model
}

// Cache stores LLM predictions by content hash, so a text seen before is
// answered without another paid call. Implementations must be safe for
// concurrent use; keys are hex SHA-256 digests and carry no text.
type Cache interface {
	Get(key string) (classifier.Prediction, bool)
	Put(key string, p classifier.Prediction)
}

// Option tunes a Backend beyond its Config, mostly for tests and for
// sharing a cache or HTTP client across backends.
type Option func(*Backend)

// WithHTTPClient sets the HTTP client, so callers can add a proxy, custom
// TLS or a test transport. Per-attempt timeouts come from Config.Timeout.
func WithHTTPClient(c *http.Client) Option {
	return func(b *Backend) {
		if c != nil {
			b.http = c
		}
	}
}

// WithCache replaces the default in-memory cache, for instance with a
// persistent one; WithCache(nil) turns caching off.
func WithCache(c Cache) Option {
	return func(b *Backend) { b.cache = c }
}

// WithLogger sets where warnings about failed calls go (slog.Default()
// otherwise). Log records never carry the API key or the customer's text.
func WithLogger(l *slog.Logger) Option {
	return func(b *Backend) {
		if l != nil {
			b.log = l
		}
	}
}
