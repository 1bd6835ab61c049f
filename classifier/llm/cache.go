package llm

import (
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"sync"

	"github.com/voc-dev/voc/classifier"
)

// promptVersion is hashed into every cache key, so changing the prompt
// invalidates answers given under the old one, even in a persistent cache.
const promptVersion = "voc-llm-v1"

// cacheKey hashes the model name and the already redacted text. Hashing keeps
// text out of the cache's keys, and the NUL separators keep the fields from
// running into each other.
func cacheKey(model, redacted string) string {
	h := sha256.New()
	h.Write([]byte(promptVersion))
	h.Write([]byte{0})
	h.Write([]byte(model))
	h.Write([]byte{0})
	h.Write([]byte(redacted))
	return hex.EncodeToString(h.Sum(nil))
}

// MemoryCache is a fixed-size least-recently-used cache held in memory. It
// bounds memory on long runs while keeping the texts that recur, such as
// the same complaint sent by many customers.
type MemoryCache struct {
	mu    sync.Mutex
	size  int
	order *list.List // front is most recently used
	items map[string]*list.Element
}

type memEntry struct {
	key string
	p   classifier.Prediction
}

// NewMemoryCache returns an LRU cache holding up to size predictions; a
// size below 1 means DefaultCacheSize, so a zero config still caches.
func NewMemoryCache(size int) *MemoryCache {
	if size < 1 {
		size = DefaultCacheSize
	}
	return &MemoryCache{size: size, order: list.New(), items: make(map[string]*list.Element)}
}

// Get returns the prediction stored under key and marks it recently used.
func (c *MemoryCache) Get(key string) (classifier.Prediction, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return classifier.Prediction{}, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*memEntry).p, true
}

// Put stores p under key, evicting the least recently used entry when full.
func (c *MemoryCache) Put(key string, p classifier.Prediction) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		el.Value.(*memEntry).p = p
		c.order.MoveToFront(el)
		return
	}
	c.items[key] = c.order.PushFront(&memEntry{key: key, p: p})
	for c.order.Len() > c.size {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*memEntry).key)
	}
}

// Len reports how many predictions are cached, for tests and metrics.
func (c *MemoryCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
