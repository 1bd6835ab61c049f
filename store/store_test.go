package store

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/voc-dev/voc/store/storetest"
)

// forEachDB runs the same test against a fresh SQLite file and a fresh
// PostgreSQL schema.
func forEachDB(t *testing.T, fn func(t *testing.T, s *Store)) {
	t.Helper()
	for _, db := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "voc.db") }},
		{"postgres", func(t *testing.T) string { return storetest.PostgresDSN(t) }},
	} {
		t.Run(db.name, func(t *testing.T) {
			s, err := Open(context.Background(), db.dsn(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			fn(t, s)
		})
	}
}
