package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Override kinds.
const (
	OverrideMerge = "merge"
	OverrideSplit = "split"
)

// Override is one correction to the grouping (see the topic_overrides
// migration).
type Override struct {
	Kind    string    `db:"kind"`
	Subject string    `db:"subject"`
	Target  string    `db:"target"`
	By      string    `db:"created_by"`
	At      time.Time `db:"created_at"`
}

// SetOverrides records corrections in one transaction, replacing earlier
// ones for the same subject.
func (s *Store) SetOverrides(ctx context.Context, os []Override) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		for _, o := range os {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM topic_overrides WHERE kind = ? AND subject = ?`), o.Kind, o.Subject); err != nil {
				return fmt.Errorf("store: override %s %s: %w", o.Kind, o.Subject, err)
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO topic_overrides (kind, subject, target, created_by, created_at) VALUES (?, ?, ?, ?, ?)`),
				o.Kind, o.Subject, o.Target, o.By, o.At.UTC()); err != nil {
				return fmt.Errorf("store: override %s %s: %w", o.Kind, o.Subject, err)
			}
		}
		return nil
	})
}

// Overrides returns every correction, oldest first.
func (s *Store) Overrides(ctx context.Context) ([]Override, error) {
	var out []Override
	if err := s.db.SelectContext(ctx, &out, `SELECT * FROM topic_overrides ORDER BY created_at, kind, subject`); err != nil {
		return nil, fmt.Errorf("store: overrides: %w", err)
	}
	return out, nil
}

// ItemRef returns the stable reference (source/external_id#seq) of an item
// and its topic, or ErrNotFound.
func (s *Store) ItemRef(ctx context.Context, itemID int64) (ref string, topicID *int64, err error) {
	var r struct {
		Source     string `db:"source"`
		ExternalID string `db:"external_id"`
		Seq        int    `db:"seq"`
		TopicID    *int64 `db:"topic_id"`
	}
	err = s.db.GetContext(ctx, &r, s.db.Rebind(`SELECT c.source, c.external_id, i.seq, i.topic_id FROM items i JOIN conversations c ON c.id = i.conversation_id WHERE i.id = ?`), itemID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, fmt.Errorf("store: item %d: %w", itemID, ErrNotFound)
	}
	if err != nil {
		return "", nil, fmt.Errorf("store: item %d: %w", itemID, err)
	}
	return fmt.Sprintf("%s/%s#%d", r.Source, r.ExternalID, r.Seq), r.TopicID, nil
}
