package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/voc-dev/voc"
)

// Decision is a product owner's call on a topic.
type Decision struct {
	TopicKey string     `db:"topic_key"`
	Status   voc.Status `db:"status"`
	Reason   string     `db:"reason"`
	By       string     `db:"decided_by"`
	At       time.Time  `db:"decided_at"`
}

// SetDecision records (or replaces) the call on a topic.
func (s *Store) SetDecision(ctx context.Context, d Decision) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE decisions SET status = ?, reason = ?, decided_by = ?, decided_at = ? WHERE topic_key = ?`),
			string(d.Status), d.Reason, d.By, d.At.UTC(), d.TopicKey)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				_, err = tx.ExecContext(ctx, tx.Rebind(`INSERT INTO decisions (topic_key, status, reason, decided_by, decided_at) VALUES (?, ?, ?, ?, ?)`),
					d.TopicKey, string(d.Status), d.Reason, d.By, d.At.UTC())
			}
		}
		if err != nil {
			return fmt.Errorf("store: decision on topic %s: %w", d.TopicKey, err)
		}
		return nil
	})
}

// Decisions returns every recorded call, by topic key.
func (s *Store) Decisions(ctx context.Context) (map[string]Decision, error) {
	var rows []Decision
	if err := s.db.SelectContext(ctx, &rows, `SELECT * FROM decisions`); err != nil {
		return nil, fmt.Errorf("store: decisions: %w", err)
	}
	out := make(map[string]Decision, len(rows))
	for _, d := range rows {
		d.At = d.At.UTC()
		out[d.TopicKey] = d
	}
	return out, nil
}

// DeleteDecision removes the call on a topic (a tracker reopened it).
func (s *Store) DeleteDecision(ctx context.Context, topicKey string) error {
	if _, err := s.db.ExecContext(ctx, s.db.Rebind(`DELETE FROM decisions WHERE topic_key = ?`), topicKey); err != nil {
		return fmt.Errorf("store: delete decision on topic %s: %w", topicKey, err)
	}
	return nil
}
