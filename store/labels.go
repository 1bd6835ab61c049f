package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/voc-dev/voc"
)

// Label is a person's label for one ask.
type Label struct {
	ConversationID int64     `db:"conversation_id"`
	Seq            int       `db:"seq"`
	Quote          string    `db:"quote"`
	Kind           voc.Kind  `db:"kind"`
	Fault          voc.Fault `db:"fault"`
	By             string    `db:"labelled_by"`
	At             time.Time `db:"labelled_at"`
}

// SetLabel records a person's label for an item and applies it to the item
// at once, in one transaction. It returns ErrNotFound for an unknown item.
func (s *Store) SetLabel(ctx context.Context, itemID int64, kind voc.Kind, fault voc.Fault, by string) (voc.Item, error) {
	var it voc.Item
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &it, tx.Rebind(`SELECT id, conversation_id, seq, quote, language, kind, fault, confidence, decided_by, reason, area, non_goal, asked_at FROM items WHERE id = ?`), itemID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: item %d: %w", itemID, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("store: item %d: %w", itemID, err)
		}
		now := time.Now().UTC()
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE labels SET quote = ?, kind = ?, fault = ?, labelled_by = ?, labelled_at = ? WHERE conversation_id = ? AND seq = ?`),
			it.Quote, string(kind), string(fault), by, now, it.ConversationID, it.Seq)
		if err != nil {
			return fmt.Errorf("store: label item %d: %w", itemID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO labels (conversation_id, seq, quote, kind, fault, labelled_by, labelled_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
				it.ConversationID, it.Seq, it.Quote, string(kind), string(fault), by, now); err != nil {
				return fmt.Errorf("store: label item %d: %w", itemID, err)
			}
		}
		it.Kind, it.Fault, it.DecidedBy, it.Confidence = kind, fault, voc.ByHuman, 1
		_, err = tx.ExecContext(ctx, tx.Rebind(`UPDATE items SET kind = ?, fault = ?, decided_by = 'human', confidence = 1, reason = ? WHERE id = ?`),
			string(kind), string(fault), "labelled by "+by, itemID)
		return err
	})
	return it, err
}

// applyLabels makes human labels win over a fresh classification of one
// conversation, for asks whose quote is unchanged, wherever they now stand
// in it: a rule that finds one more ask before a labelled one moves that
// ask's seq, not what the person said of it. Of two labels on one quote,
// the later wins.
func applyLabels(ctx context.Context, tx *sqlx.Tx, convID int64) error {
	const latest = `FROM labels l WHERE l.conversation_id = items.conversation_id AND l.quote = items.quote ORDER BY l.labelled_at DESC, l.seq DESC LIMIT 1`
	_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE items SET
		kind = (SELECT l.kind `+latest+`),
		fault = (SELECT l.fault `+latest+`),
		decided_by = 'human', confidence = 1,
		reason = (SELECT 'labelled by ' || l.labelled_by `+latest+`)
		WHERE conversation_id = ? AND EXISTS (SELECT 1 FROM labels l WHERE l.conversation_id = items.conversation_id AND l.quote = items.quote)`), convID)
	if err != nil {
		return fmt.Errorf("store: apply labels of conversation %d: %w", convID, err)
	}
	return nil
}

// Labels returns every human label, oldest first.
func (s *Store) Labels(ctx context.Context) ([]Label, error) {
	var out []Label
	if err := s.db.SelectContext(ctx, &out, `SELECT * FROM labels ORDER BY labelled_at, conversation_id, seq`); err != nil {
		return nil, fmt.Errorf("store: labels: %w", err)
	}
	return out, nil
}
