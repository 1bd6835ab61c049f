package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/voc-dev/voc"
)

// Batch is what a collector read since its last cursor: accounts,
// conversations and the cursor after them, stored together.
type Batch struct {
	Source        string
	Origin        string // accounts' origin (the source's name); "file" for an accounts file
	Accounts      []voc.Account
	Conversations []voc.Conversation
	// Cursor, when not nil, is where the next run must resume; it is saved
	// in the same transaction as the records, so a kill between the two is
	// impossible.
	Cursor *string
}

// SaveBatch stores a batch in one transaction and returns what it did with
// the accounts and the conversations.
func (s *Store) SaveBatch(ctx context.Context, b Batch) (accounts, convs UpsertCounts, err error) {
	err = s.tx(ctx, func(tx *sqlx.Tx) error {
		origin := b.Origin
		if origin == "" {
			origin = b.Source
		}
		var err error
		if accounts, err = upsertAccounts(ctx, tx, b.Accounts, origin); err != nil {
			return err
		}
		if convs, err = upsertConversations(ctx, tx, b.Conversations); err != nil {
			return err
		}
		if b.Cursor != nil {
			return setCursor(ctx, tx, b.Source, *b.Cursor)
		}
		return nil
	})
	return accounts, convs, err
}

func setCursor(ctx context.Context, tx *sqlx.Tx, source, cursor string) error {
	if err := putValue(ctx, tx, "cursors", "source", source, "cursor", cursor); err != nil {
		return fmt.Errorf("store: save cursor of %s: %w", source, err)
	}
	return nil
}

// Cursor returns where a source's collector stopped, or "" before its first
// run.
func (s *Store) Cursor(ctx context.Context, source string) (string, error) {
	var c string
	err := s.db.GetContext(ctx, &c, s.db.Rebind(`SELECT cursor FROM cursors WHERE source = ?`), source)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: cursor of %s: %w", source, err)
	}
	return c, nil
}
