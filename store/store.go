// Package store keeps voc's state in SQLite (the embedded default) or
// PostgreSQL (for teams) through sqlx. Every stage reads and writes through
// it; each write that a stage makes is one transaction, so a killed command
// leaves either all of a batch or none of it.
package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"  // PostgreSQL driver, registered as "postgres".
	_ "modernc.org/sqlite" // Pure-Go SQLite driver, registered as "sqlite".
)

// ErrNotFound is returned when a looked-up record does not exist.
var ErrNotFound = errors.New("not found")

// Dialect names the database behind a Store.
type Dialect string

// The supported databases.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Store is voc's database. It is safe for concurrent use.
type Store struct {
	db      *sqlx.DB
	dialect Dialect
}

// IsPostgres reports whether dsn names a PostgreSQL database rather than a
// SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to dsn (a SQLite file path or a postgres:// URL) and applies
// any pending migrations.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s, err := open(dsn)
	if err != nil {
		return nil, err
	}
	if err := s.db.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: cannot open %s database %s: %w", s.dialect, RedactDSN(dsn), err)
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func open(dsn string) (*Store, error) {
	if dsn == "" {
		return nil, errors.New("store: no database given (set --db or VOC_DB)")
	}
	if IsPostgres(dsn) {
		db, err := sqlx.Open("postgres", dsn)
		if err != nil {
			return nil, fmt.Errorf("store: open postgres %s: %w", RedactDSN(dsn), err)
		}
		db.SetMaxOpenConns(8)
		return &Store{db: db, dialect: Postgres}, nil
	}
	path := strings.TrimPrefix(dsn, "sqlite://")
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	q.Set("_time_format", "sqlite")
	db, err := sqlx.Open("sqlite", "file:"+filepath.ToSlash(path)+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	// One writer at a time is all SQLite allows; a single connection also
	// keeps the pragmas above in force for every statement.
	db.SetMaxOpenConns(1)
	return &Store{db: db, dialect: SQLite}, nil
}

// Dialect says which database the store uses.
func (s *Store) Dialect() Dialect { return s.dialect }

// Close releases the database.
func (s *Store) Close() error { return s.db.Close() }

// RedactDSN hides the password of a database URL so it can be logged.
func RedactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// tx runs fn in one transaction, committed only when fn returns nil.
func (s *Store) tx(ctx context.Context, fn func(*sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// Counts returns the number of rows of each table, for reports and tests
// that check a re-run changed nothing.
func (s *Store) Counts(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	for _, t := range []string{"accounts", "conversations", "messages", "items", "topics", "stage_state", "labels", "cursors", "decisions", "topic_overrides", "tracker_links", "embeddings"} {
		var n int64
		if err := s.db.GetContext(ctx, &n, "SELECT COUNT(*) FROM "+t); err != nil {
			return nil, fmt.Errorf("store: count %s: %w", t, err)
		}
		out[t] = n
	}
	return out, nil
}
