// Package collectortest gives collector tests an in-memory Sink with the
// store's semantics (upsert by source and external id, cursor saved with its
// batch) and a way to make it fail, to test resumption after a crash.
package collectortest

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"sync"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/collectors"
)

// ErrCrash is returned by a MemSink told to fail, standing in for a kill.
var ErrCrash = errors.New("collectortest: simulated crash")

// MemSink is an in-memory collectors.Sink. It is safe for concurrent use.
type MemSink struct {
	mu       sync.Mutex
	convs    map[string]voc.Conversation // source/external_id
	hashes   map[string]string
	accounts map[string]voc.Account
	cursors  map[string]string
	batches  int
	// FailAfter, when > 0, makes the batch with that number (1-based)
	// fail with ErrCrash without storing anything.
	FailAfter int
}

// New returns an empty sink.
func New() *MemSink {
	return &MemSink{convs: map[string]voc.Conversation{}, hashes: map[string]string{}, accounts: map[string]voc.Account{}, cursors: map[string]string{}}
}

func (m *MemSink) upsertConvs(cs []voc.Conversation) collectors.Counts {
	var n collectors.Counts
	for _, c := range cs {
		b, _ := json.Marshal(c)
		k := c.Source + "/" + c.ExternalID
		switch old, ok := m.hashes[k]; {
		case !ok:
			n.New++
		case old == string(b):
			n.Unchanged++
		default:
			n.Updated++
		}
		m.hashes[k] = string(b)
		m.convs[k] = c
	}
	return n
}

func (m *MemSink) upsertAccounts(as []voc.Account) collectors.Counts {
	var n collectors.Counts
	for _, a := range as {
		old, ok := m.accounts[a.ID]
		ob, _ := json.Marshal(old)
		nb, _ := json.Marshal(a)
		switch {
		case !ok:
			n.New++
		case string(ob) == string(nb):
			n.Unchanged++
		default:
			n.Updated++
		}
		m.accounts[a.ID] = a
	}
	return n
}

// SaveAccounts implements collectors.Sink.
func (m *MemSink) SaveAccounts(_ context.Context, as []voc.Account) (collectors.Counts, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.upsertAccounts(as), nil
}

// SaveConversations implements collectors.Sink.
func (m *MemSink) SaveConversations(_ context.Context, cs []voc.Conversation) (collectors.Counts, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.upsertConvs(cs), nil
}

// SaveBatch implements collectors.Sink: all of the batch or, when told to
// crash, none of it.
func (m *MemSink) SaveBatch(_ context.Context, source string, b collectors.Batch) (collectors.Counts, collectors.Counts, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.batches++
	if m.FailAfter > 0 && m.batches == m.FailAfter {
		return collectors.Counts{}, collectors.Counts{}, ErrCrash
	}
	a := m.upsertAccounts(b.Accounts)
	c := m.upsertConvs(b.Conversations)
	if b.Cursor != nil {
		m.cursors[source] = *b.Cursor
	}
	return a, c, nil
}

// Cursor implements collectors.Sink.
func (m *MemSink) Cursor(_ context.Context, source string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cursors[source], nil
}

// Conversations returns the stored conversations sorted by source and id.
func (m *MemSink) Conversations() []voc.Conversation {
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([]string, 0, len(m.convs))
	for k := range m.convs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]voc.Conversation, len(keys))
	for i, k := range keys {
		out[i] = m.convs[k]
	}
	return out
}

// Accounts returns the stored accounts by id.
func (m *MemSink) Accounts() map[string]voc.Account {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]voc.Account, len(m.accounts))
	for k, v := range m.accounts {
		out[k] = v
	}
	return out
}

// Batches returns how many batches were attempted.
func (m *MemSink) Batches() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.batches
}
