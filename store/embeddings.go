package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"sort"

	"github.com/jmoiron/sqlx"
)

// embeddingChunk bounds the keys of one look-up, under SQLite's limit on
// bound parameters.
const embeddingChunk = 500

// Embeddings returns the cached vectors of those keys it holds.
func (s *Store) Embeddings(ctx context.Context, keys []string) (map[string][]float32, error) {
	out := make(map[string][]float32, len(keys))
	for start := 0; start < len(keys); start += embeddingChunk {
		q, args, err := sqlx.In(`SELECT key, vector FROM embeddings WHERE key IN (?)`, keys[start:min(start+embeddingChunk, len(keys))])
		if err != nil {
			return nil, fmt.Errorf("store: embeddings: %w", err)
		}
		var rows []struct {
			Key    string `db:"key"`
			Vector []byte `db:"vector"`
		}
		if err := s.db.SelectContext(ctx, &rows, s.db.Rebind(q), args...); err != nil {
			return nil, fmt.Errorf("store: embeddings: %w", err)
		}
		for _, r := range rows {
			if len(r.Vector)%4 != 0 || len(r.Vector) == 0 {
				continue // not one of ours: fetched again and overwritten
			}
			v := make([]float32, len(r.Vector)/4)
			for i := range v {
				v[i] = math.Float32frombits(binary.LittleEndian.Uint32(r.Vector[4*i:]))
			}
			out[r.Key] = v
		}
	}
	return out, nil
}

// PutEmbeddings stores vectors by key in one transaction, replacing any
// under the same key.
func (s *Store) PutEmbeddings(ctx context.Context, vecs map[string][]float32) error {
	keys := make([]string, 0, len(vecs))
	for k := range vecs {
		keys = append(keys, k)
	}
	sort.Strings(keys) // one lock order for concurrent writers
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		for _, k := range keys {
			v := vecs[k]
			b := make([]byte, 4*len(v))
			for i, x := range v {
				binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO embeddings (key, vector) VALUES (?, ?)
				ON CONFLICT (key) DO UPDATE SET vector = excluded.vector`), k, b); err != nil {
				return fmt.Errorf("store: embedding %s: %w", k, err)
			}
		}
		return nil
	})
}
