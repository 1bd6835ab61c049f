package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/voc-dev/voc"
)

type topicRow struct {
	ID          int64     `db:"id"`
	Key         string    `db:"key"`
	Title       string    `db:"title"`
	Kind        string    `db:"kind"`
	Area        string    `db:"area"`
	Status      string    `db:"status"`
	Items       int       `db:"items"`
	Accounts    int       `db:"accounts"`
	MRR         int64     `db:"mrr"`
	Currency    string    `db:"currency"`
	FirstSeen   time.Time `db:"first_seen"`
	LastSeen    time.Time `db:"last_seen"`
	Score       float64   `db:"score"`
	Breakdown   string    `db:"breakdown"`
	Decision    string    `db:"decision"`
	ContentHash string    `db:"content_hash"`
}

func toTopicRow(t voc.Topic) topicRow {
	bd, _ := json.Marshal(t.Breakdown)
	r := topicRow{ID: t.ID, Key: t.Key, Title: t.Title, Kind: string(t.Kind), Area: t.Area, Status: string(t.Status),
		Items: t.Items, Accounts: t.Accounts, MRR: t.MRR, Currency: t.Currency,
		FirstSeen: t.FirstSeen.UTC(), LastSeen: t.LastSeen.UTC(), Score: t.Score, Breakdown: string(bd)}
	if t.Decision != nil {
		d, _ := json.Marshal(t.Decision)
		r.Decision = string(d)
	}
	r.ID = 0
	r.ContentHash = contentHash(r)
	return r
}

func (r topicRow) topic() (voc.Topic, error) {
	t := voc.Topic{ID: r.ID, Key: r.Key, Title: r.Title, Kind: voc.Kind(r.Kind), Area: r.Area, Status: voc.Status(r.Status),
		Items: r.Items, Accounts: r.Accounts, MRR: r.MRR, Currency: r.Currency,
		FirstSeen: r.FirstSeen.UTC(), LastSeen: r.LastSeen.UTC(), Score: r.Score}
	if err := json.Unmarshal([]byte(r.Breakdown), &t.Breakdown); err != nil {
		return t, fmt.Errorf("store: topic %d breakdown: %w", r.ID, err)
	}
	if r.Decision != "" {
		t.Decision = &voc.Decision{}
		if err := json.Unmarshal([]byte(r.Decision), t.Decision); err != nil {
			return t, fmt.Errorf("store: topic %d decision: %w", r.ID, err)
		}
	}
	return t, nil
}

// TopicSet is the prioritizer's whole result: every topic with the ids of
// its items, and a marker of the input it was computed from.
type TopicSet struct {
	Topics  []voc.Topic
	Members map[string][]int64 // topic key → item ids
	Marker  string
}

// SaveTopics makes the stored topics equal to set in one transaction:
// topics are matched by key (so their ids stay stable across runs), changed
// ones are updated, vanished ones deleted, items re-pointed, and the rank
// stage's marker recorded. Nothing is written for a topic that did not change.
func (s *Store) SaveTopics(ctx context.Context, set TopicSet) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		var existing []struct {
			ID   int64  `db:"id"`
			Key  string `db:"key"`
			Hash string `db:"content_hash"`
		}
		if err := tx.SelectContext(ctx, &existing, `SELECT id, key, content_hash FROM topics`); err != nil {
			return fmt.Errorf("store: list topics: %w", err)
		}
		ids := map[string]int64{}
		hashes := map[string]string{}
		for _, e := range existing {
			ids[e.Key], hashes[e.Key] = e.ID, e.Hash
		}
		keep := map[string]bool{}
		for _, t := range set.Topics {
			keep[t.Key] = true
			r := toTopicRow(t)
			id, ok := ids[t.Key]
			var err error
			switch {
			case !ok:
				err = tx.QueryRowxContext(ctx, tx.Rebind(`INSERT INTO topics (key, title, kind, area, status, items, accounts, mrr, currency,
					first_seen, last_seen, score, breakdown, decision, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
					r.Key, r.Title, r.Kind, r.Area, r.Status, r.Items, r.Accounts, r.MRR, r.Currency, r.FirstSeen, r.LastSeen,
					r.Score, r.Breakdown, r.Decision, r.ContentHash).Scan(&id)
			case hashes[t.Key] != r.ContentHash:
				r.ID = id
				_, err = tx.NamedExecContext(ctx, `UPDATE topics SET title = :title, kind = :kind, area = :area, status = :status,
					items = :items, accounts = :accounts, mrr = :mrr, currency = :currency, first_seen = :first_seen, last_seen = :last_seen,
					score = :score, breakdown = :breakdown, decision = :decision, content_hash = :content_hash WHERE id = :id`, r)
			}
			if err != nil {
				return fmt.Errorf("store: save topic %s: %w", t.Key, err)
			}
			for _, itemID := range set.Members[t.Key] {
				if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE items SET topic_id = ? WHERE id = ? AND (topic_id IS NULL OR topic_id <> ?)`), id, itemID, id); err != nil {
					return fmt.Errorf("store: assign item %d to topic %s: %w", itemID, t.Key, err)
				}
			}
		}
		for key, id := range ids {
			if keep[key] {
				continue
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE items SET topic_id = NULL WHERE topic_id = ?`), id); err != nil {
				return fmt.Errorf("store: detach items of topic %s: %w", key, err)
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM topics WHERE id = ?`), id); err != nil {
				return fmt.Errorf("store: delete topic %s: %w", key, err)
			}
		}
		return setMarker(ctx, tx, "rank", set.Marker)
	})
}

// Topics returns every topic, highest score first.
func (s *Store) Topics(ctx context.Context) ([]voc.Topic, error) {
	var rows []topicRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT * FROM topics ORDER BY score DESC, id`); err != nil {
		return nil, fmt.Errorf("store: list topics: %w", err)
	}
	out := make([]voc.Topic, 0, len(rows))
	for _, r := range rows {
		t, err := r.topic()
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// Topic returns one topic by id, or ErrNotFound.
func (s *Store) Topic(ctx context.Context, id int64) (voc.Topic, error) {
	var r topicRow
	err := s.db.GetContext(ctx, &r, s.db.Rebind(`SELECT * FROM topics WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return voc.Topic{}, fmt.Errorf("store: topic %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return voc.Topic{}, fmt.Errorf("store: topic %d: %w", id, err)
	}
	return r.topic()
}
