package store

import (
	"context"
	"fmt"
	"hash/fnv"
)

// WithLock runs fn while holding the named lock across every process on
// the database: a PostgreSQL advisory lock, so two servers never re-rank
// at once. SQLite serves one process, whose callers serialise themselves;
// there fn simply runs.
func (s *Store) WithLock(ctx context.Context, name string, fn func() error) error {
	if s.dialect != Postgres {
		return fn()
	}
	h := fnv.New64a()
	h.Write([]byte("voc:" + name))
	key := int64(h.Sum64())
	conn, err := s.db.Connx(ctx)
	if err != nil {
		return fmt.Errorf("store: lock %s: %w", name, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		return fmt.Errorf("store: lock %s: %w", name, err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, key)
	return fn()
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }
