package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Link is a topic's issue in a tracker.
type Link struct {
	TopicKey   string    `db:"topic_key"`
	Tracker    string    `db:"tracker"`
	RemoteID   string    `db:"remote_id"`
	URL        string    `db:"url"`
	State      string    `db:"state"`
	Resolution string    `db:"resolution"`
	SyncedAt   time.Time `db:"synced_at"`
	Evidence   string    `db:"evidence"`
}

// SaveLink records (or refreshes) a topic's tracker issue.
func (s *Store) SaveLink(ctx context.Context, l Link) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE tracker_links SET tracker = ?, remote_id = ?, url = ?, state = ?, resolution = ?, synced_at = ?, evidence = ? WHERE topic_key = ?`),
			l.Tracker, l.RemoteID, l.URL, l.State, l.Resolution, l.SyncedAt.UTC(), l.Evidence, l.TopicKey)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				_, err = tx.ExecContext(ctx, tx.Rebind(`INSERT INTO tracker_links (topic_key, tracker, remote_id, url, state, resolution, synced_at, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
					l.TopicKey, l.Tracker, l.RemoteID, l.URL, l.State, l.Resolution, l.SyncedAt.UTC(), l.Evidence)
			}
		}
		if err != nil {
			return fmt.Errorf("store: link of topic %s: %w", l.TopicKey, err)
		}
		return nil
	})
}

// Links returns every topic's tracker issue, by topic key.
func (s *Store) Links(ctx context.Context) (map[string]Link, error) {
	var rows []Link
	if err := s.db.SelectContext(ctx, &rows, `SELECT * FROM tracker_links`); err != nil {
		return nil, fmt.Errorf("store: links: %w", err)
	}
	out := make(map[string]Link, len(rows))
	for _, l := range rows {
		l.SyncedAt = l.SyncedAt.UTC()
		out[l.TopicKey] = l
	}
	return out, nil
}
