package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/voc-dev/voc"
)

// Classified is the classifier's result for one conversation: its items and
// the content hash they were computed from.
type Classified struct {
	ConversationID int64
	Hash           string
	Items          []voc.Item
}

// SaveClassifications replaces the items of each conversation and marks it
// classified at the given hash, all in one transaction. A conversation edited
// since it was read (hash no longer current) is skipped and stays pending.
func (s *Store) SaveClassifications(ctx context.Context, batch []Classified) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		var items []voc.Item
		var marked []int64
		for _, c := range batch {
			res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE conversations SET classified_hash = content_hash WHERE id = ? AND content_hash = ?`), c.ConversationID, c.Hash)
			if err != nil {
				return fmt.Errorf("store: mark conversation %d classified: %w", c.ConversationID, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue // edited since it was read: stays pending
			}
			marked = append(marked, c.ConversationID)
			for _, it := range c.Items {
				it.ConversationID = c.ConversationID
				items = append(items, it)
			}
		}
		if len(marked) == 0 {
			return nil
		}
		q, args, err := sqlx.In(`DELETE FROM items WHERE conversation_id IN (?)`, marked)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(q), args...); err != nil {
			return fmt.Errorf("store: clear items of %d conversations: %w", len(marked), err)
		}
		for len(items) > 0 {
			n := min(len(items), 400) // 12 parameters a row
			chunk := items[:n]
			items = items[n:]
			var b strings.Builder
			b.WriteString(`INSERT INTO items (conversation_id, seq, quote, language, kind, fault, confidence, decided_by, reason, area, non_goal, asked_at) VALUES `)
			args := make([]any, 0, n*12)
			for i, it := range chunk {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
				args = append(args, it.ConversationID, it.Seq, it.Quote, it.Language, string(it.Kind), string(it.Fault),
					it.Confidence, string(it.DecidedBy), it.Reason, it.Area, it.NonGoal, it.AskedAt.UTC())
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(b.String()), args...); err != nil {
				return fmt.Errorf("store: insert %d items: %w", n, err)
			}
		}
		// Human labels win; only conversations that have some need the update.
		q, args, err = sqlx.In(`SELECT DISTINCT conversation_id FROM labels WHERE conversation_id IN (?)`, marked)
		if err != nil {
			return err
		}
		var labelled []int64
		if err := tx.SelectContext(ctx, &labelled, tx.Rebind(q), args...); err != nil {
			return fmt.Errorf("store: find labelled conversations: %w", err)
		}
		for _, id := range labelled {
			if err := applyLabels(ctx, tx, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// ItemRow is an item with what ranking and evidence need from its
// conversation: where it came from and which account is behind it.
type ItemRow struct {
	voc.Item
	TopicID        *int64 `db:"topic_id"`
	Source         string `db:"source"`
	ExternalID     string `db:"external_id"`
	URL            string `db:"url"`
	AccountID      string `db:"account_id"`
	CustomerDomain string `db:"customer_domain"`
	Subject        string `db:"subject"`
}

const itemRowSelect = `SELECT i.id, i.conversation_id, i.seq, i.quote, i.language, i.kind, i.fault, i.confidence, i.decided_by,
	i.reason, i.area, i.non_goal, i.asked_at, i.topic_id, c.source, c.external_id, c.url, c.account_id, c.customer_domain, c.subject
	FROM items i JOIN conversations c ON c.id = i.conversation_id`

func fixTimes(rows []ItemRow) []ItemRow {
	for i := range rows {
		rows[i].AskedAt = rows[i].AskedAt.UTC()
	}
	return rows
}

// BacklogItems returns every item of a backlog kind (bug, feature,
// out_of_scope) in id order.
func (s *Store) BacklogItems(ctx context.Context) ([]ItemRow, error) {
	var rows []ItemRow
	err := s.db.SelectContext(ctx, &rows, itemRowSelect+` WHERE i.kind IN ('bug', 'feature', 'out_of_scope') ORDER BY i.id`)
	if err != nil {
		return nil, fmt.Errorf("store: backlog items: %w", err)
	}
	return fixTimes(rows), nil
}

// TopicItems returns the items of one topic, oldest first.
func (s *Store) TopicItems(ctx context.Context, topicID int64) ([]ItemRow, error) {
	var rows []ItemRow
	err := s.db.SelectContext(ctx, &rows, s.db.Rebind(itemRowSelect+` WHERE i.topic_id = ? ORDER BY i.asked_at, i.id`), topicID)
	if err != nil {
		return nil, fmt.Errorf("store: items of topic %d: %w", topicID, err)
	}
	return fixTimes(rows), nil
}

// ItemStats counts items by kind and, for complaints, by fault, over items
// asked since the given time (zero: all).
type ItemStats struct {
	ByKind  map[voc.Kind]int
	ByFault map[voc.Fault]int
}

// Stats returns item counts by kind and fault.
func (s *Store) Stats(ctx context.Context, since time.Time) (ItemStats, error) {
	var rows []struct {
		Kind  string `db:"kind"`
		Fault string `db:"fault"`
		N     int    `db:"n"`
	}
	err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT kind, fault, COUNT(*) AS n FROM items WHERE asked_at >= ? GROUP BY kind, fault`), since.UTC())
	if err != nil {
		return ItemStats{}, fmt.Errorf("store: item stats: %w", err)
	}
	st := ItemStats{ByKind: map[voc.Kind]int{}, ByFault: map[voc.Fault]int{}}
	for _, r := range rows {
		st.ByKind[voc.Kind(r.Kind)] += r.N
		if r.Fault != "" {
			st.ByFault[voc.Fault(r.Fault)] += r.N
		}
	}
	return st, nil
}

// Complaint is the time and fault of one complaint (an item with a fault).
type Complaint struct {
	AskedAt time.Time `db:"asked_at"`
	Fault   voc.Fault `db:"fault"`
}

// Complaints returns every complaint asked since the given time.
func (s *Store) Complaints(ctx context.Context, since time.Time) ([]Complaint, error) {
	var out []Complaint
	err := s.db.SelectContext(ctx, &out, s.db.Rebind(`SELECT asked_at, fault FROM items WHERE fault <> '' AND asked_at >= ? ORDER BY asked_at`), since.UTC())
	if err != nil {
		return nil, fmt.Errorf("store: complaints: %w", err)
	}
	for i := range out {
		out[i].AskedAt = out[i].AskedAt.UTC()
	}
	return out, nil
}

// ComplaintItems returns the complaints of one fault asked since the
// given time, oldest first: the unclear ones are what a person reviews and
// labels to drive the unclear share down.
func (s *Store) ComplaintItems(ctx context.Context, fault voc.Fault, since time.Time) ([]ItemRow, error) {
	var rows []ItemRow
	err := s.db.SelectContext(ctx, &rows, s.db.Rebind(itemRowSelect+` WHERE i.fault = ? AND i.asked_at >= ? ORDER BY i.asked_at, i.id`), fault, since.UTC())
	if err != nil {
		return nil, fmt.Errorf("store: %s complaints: %w", fault, err)
	}
	return fixTimes(rows), nil
}

// ConversationItems returns the items found in one conversation, in order.
func (s *Store) ConversationItems(ctx context.Context, source, externalID string) ([]ItemRow, error) {
	var rows []ItemRow
	err := s.db.SelectContext(ctx, &rows, s.db.Rebind(itemRowSelect+` WHERE c.source = ? AND c.external_id = ? ORDER BY i.seq`), source, externalID)
	if err != nil {
		return nil, fmt.Errorf("store: items of %s conversation %s: %w", source, externalID, err)
	}
	return fixTimes(rows), nil
}
