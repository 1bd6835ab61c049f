package store

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/voc-dev/voc"
)

type conversationRow struct {
	ID             int64     `db:"id"`
	Source         string    `db:"source"`
	ExternalID     string    `db:"external_id"`
	AccountID      string    `db:"account_id"`
	Channel        string    `db:"channel"`
	Language       string    `db:"language"`
	Subject        string    `db:"subject"`
	URL            string    `db:"url"`
	CreatedAt      time.Time `db:"created_at"`
	UpdatedAt      time.Time `db:"updated_at"`
	CustomerDomain string    `db:"customer_domain"`
	ContentHash    string    `db:"content_hash"`
	ClassifiedHash string    `db:"classified_hash"`
}

type messageRow struct {
	ConversationID int64     `db:"conversation_id"`
	Idx            int       `db:"idx"`
	ExternalID     string    `db:"external_id"`
	Role           string    `db:"role"`
	Author         string    `db:"author"`
	SentAt         time.Time `db:"sent_at"`
	Text           string    `db:"text"`
	Label          string    `db:"label"`
}

var emailDomain = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@([A-Za-z0-9.\-]+\.[A-Za-z]{2,})`)

// customerDomain is the e-mail domain of the first customer author, used to
// find the account when the source did not name one.
func customerDomain(c *voc.Conversation) string {
	for _, m := range c.Messages {
		if m.Role != voc.RoleCustomer {
			continue
		}
		if sm := emailDomain.FindStringSubmatch(m.Author); sm != nil {
			return strings.ToLower(sm[1])
		}
	}
	return ""
}

func normalizeConversation(c voc.Conversation) voc.Conversation {
	c.ID = 0
	c.CreatedAt = c.CreatedAt.UTC()
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = c.CreatedAt
	}
	c.UpdatedAt = c.UpdatedAt.UTC()
	msgs := make([]voc.Message, len(c.Messages))
	for i, m := range c.Messages {
		if m.At.IsZero() {
			m.At = c.CreatedAt
		}
		m.At = m.At.UTC()
		msgs[i] = m
	}
	c.Messages = msgs
	return c
}

// UpsertConversations stores conversations keyed by (source, external_id)
// in one transaction: new ones are inserted, edited ones replace the stored
// copy (and will be classified again), identical ones are left alone.
func (s *Store) UpsertConversations(ctx context.Context, convs []voc.Conversation) (UpsertCounts, error) {
	var c UpsertCounts
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		c, err = upsertConversations(ctx, tx, convs)
		return err
	})
	return c, err
}

// upsertConversations writes a batch with a handful of statements whatever
// its size: one look-up of the existing rows, one multi-row insert of the
// new conversations, and multi-row inserts of their messages; edited
// conversations (rare) are updated one by one. Round trips, not rows, are
// what a remote PostgreSQL charges for.
func upsertConversations(ctx context.Context, tx *sqlx.Tx, convs []voc.Conversation) (UpsertCounts, error) {
	var c UpsertCounts
	type pending struct {
		row  conversationRow
		msgs []voc.Message
	}
	// Normalise, validate and keep the last copy of a conversation that
	// appears twice in the batch.
	order := []string{}
	byKey := map[string]*pending{}
	for i := range convs {
		conv := normalizeConversation(convs[i])
		if err := conv.Validate(); err != nil {
			return c, fmt.Errorf("store: conversation %s/%s: %w", conv.Source, conv.ExternalID, err)
		}
		key := conv.Source + "\x00" + conv.ExternalID
		if _, seen := byKey[key]; !seen {
			order = append(order, key)
		}
		byKey[key] = &pending{row: conversationRow{Source: conv.Source, ExternalID: conv.ExternalID, AccountID: conv.AccountID,
			Channel: conv.Channel, Language: conv.Language, Subject: conv.Subject, URL: conv.URL,
			CreatedAt: conv.CreatedAt, UpdatedAt: conv.UpdatedAt, CustomerDomain: customerDomain(&conv), ContentHash: contentHash(conv)}, msgs: conv.Messages}
	}
	// Look up what is stored, per source.
	bySource := map[string][]string{}
	for _, k := range order {
		p := byKey[k]
		bySource[p.row.Source] = append(bySource[p.row.Source], p.row.ExternalID)
	}
	type existing struct {
		ID         int64  `db:"id"`
		Source     string `db:"source"`
		ExternalID string `db:"external_id"`
		Hash       string `db:"content_hash"`
	}
	stored := map[string]existing{}
	for src, ids := range bySource {
		q, args, err := sqlx.In(`SELECT id, source, external_id, content_hash FROM conversations WHERE source = ? AND external_id IN (?)`, src, ids)
		if err != nil {
			return c, err
		}
		var rows []existing
		if err := tx.SelectContext(ctx, &rows, tx.Rebind(q), args...); err != nil {
			return c, fmt.Errorf("store: look up conversations of %s: %w", src, err)
		}
		for _, r := range rows {
			stored[r.Source+"\x00"+r.ExternalID] = r
		}
	}
	var fresh []*pending
	var msgs []messageRow
	for _, k := range order {
		p := byKey[k]
		old, ok := stored[k]
		switch {
		case !ok:
			fresh = append(fresh, p)
			c.New++
		case old.Hash == p.row.ContentHash:
			c.Unchanged++
		default:
			p.row.ID = old.ID
			if _, err := tx.NamedExecContext(ctx, `UPDATE conversations SET account_id = :account_id, channel = :channel,
				language = :language, subject = :subject, url = :url, created_at = :created_at, updated_at = :updated_at,
				customer_domain = :customer_domain, content_hash = :content_hash WHERE id = :id`, p.row); err != nil {
				return c, fmt.Errorf("store: update conversation %s/%s: %w", p.row.Source, p.row.ExternalID, err)
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM messages WHERE conversation_id = ?`), p.row.ID); err != nil {
				return c, fmt.Errorf("store: replace messages of %s/%s: %w", p.row.Source, p.row.ExternalID, err)
			}
			msgs = appendMessages(msgs, p.row.ID, p.msgs)
			c.Updated++
		}
	}
	// Insert the new conversations, then their messages.
	for len(fresh) > 0 {
		n := min(len(fresh), 400) // 11 parameters a row, well under every driver's limit
		chunk := fresh[:n]
		fresh = fresh[n:]
		var b strings.Builder
		b.WriteString(`INSERT INTO conversations (source, external_id, account_id, channel, language, subject, url, created_at, updated_at, customer_domain, content_hash) VALUES `)
		args := make([]any, 0, n*11)
		for i, p := range chunk {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			r := p.row
			args = append(args, r.Source, r.ExternalID, r.AccountID, r.Channel, r.Language, r.Subject, r.URL, r.CreatedAt, r.UpdatedAt, r.CustomerDomain, r.ContentHash)
		}
		b.WriteString(" RETURNING id, source, external_id")
		var ids []existing
		if err := tx.SelectContext(ctx, &ids, tx.Rebind(b.String()), args...); err != nil {
			return c, fmt.Errorf("store: insert %d conversations: %w", n, err)
		}
		idOf := make(map[string]int64, len(ids))
		for _, r := range ids {
			idOf[r.Source+"\x00"+r.ExternalID] = r.ID
		}
		for _, p := range chunk {
			msgs = appendMessages(msgs, idOf[p.row.Source+"\x00"+p.row.ExternalID], p.msgs)
		}
	}
	return c, insertMessageRows(ctx, tx, msgs)
}

func appendMessages(out []messageRow, convID int64, msgs []voc.Message) []messageRow {
	for i, m := range msgs {
		out = append(out, messageRow{ConversationID: convID, Idx: i, ExternalID: m.ExternalID, Role: string(m.Role),
			Author: m.Author, SentAt: m.At, Text: m.Text, Label: string(m.Label)})
	}
	return out
}

// insertMessageRows inserts messages with multi-row statements.
func insertMessageRows(ctx context.Context, tx *sqlx.Tx, rows []messageRow) error {
	for len(rows) > 0 {
		n := min(len(rows), 500) // 8 parameters a row
		chunk := rows[:n]
		rows = rows[n:]
		var b strings.Builder
		b.WriteString(`INSERT INTO messages (conversation_id, idx, external_id, role, author, sent_at, text, label) VALUES `)
		args := make([]any, 0, n*8)
		for i, m := range chunk {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, m.ConversationID, m.Idx, m.ExternalID, m.Role, m.Author, m.SentAt, m.Text, m.Label)
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(b.String()), args...); err != nil {
			return fmt.Errorf("store: insert %d messages: %w", n, err)
		}
	}
	return nil
}

// PendingConversation is a conversation whose current content has not been
// classified yet, with the hash that a classification must quote back.
type PendingConversation struct {
	voc.Conversation
	CustomerDomain string
	Hash           string
}

// PendingConversations returns up to limit conversations with id > after
// whose content changed since they were last classified, in id order, with
// their messages. Callers page by passing the last id they saw.
func (s *Store) PendingConversations(ctx context.Context, after int64, limit int) ([]PendingConversation, error) {
	var rows []conversationRow
	err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT * FROM conversations
		WHERE id > ? AND classified_hash <> content_hash ORDER BY id LIMIT ?`), after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: pending conversations: %w", err)
	}
	return s.withMessages(ctx, rows)
}

// Conversation returns one conversation with its messages, or ErrNotFound.
func (s *Store) Conversation(ctx context.Context, source, externalID string) (voc.Conversation, error) {
	var rows []conversationRow
	err := s.db.SelectContext(ctx, &rows, s.db.Rebind(`SELECT * FROM conversations WHERE source = ? AND external_id = ?`), source, externalID)
	if err != nil {
		return voc.Conversation{}, fmt.Errorf("store: conversation %s/%s: %w", source, externalID, err)
	}
	if len(rows) == 0 {
		return voc.Conversation{}, fmt.Errorf("store: conversation %s/%s: %w", source, externalID, ErrNotFound)
	}
	out, err := s.withMessages(ctx, rows)
	if err != nil {
		return voc.Conversation{}, err
	}
	return out[0].Conversation, nil
}

func (s *Store) withMessages(ctx context.Context, rows []conversationRow) ([]PendingConversation, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(rows))
	byID := make(map[int64]int, len(rows))
	out := make([]PendingConversation, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
		byID[r.ID] = i
		out[i] = PendingConversation{Conversation: voc.Conversation{ID: r.ID, Source: r.Source, ExternalID: r.ExternalID,
			AccountID: r.AccountID, Channel: r.Channel, Language: r.Language, Subject: r.Subject, URL: r.URL,
			CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}, CustomerDomain: r.CustomerDomain, Hash: r.ContentHash}
	}
	q, args, err := sqlx.In(`SELECT * FROM messages WHERE conversation_id IN (?) ORDER BY conversation_id, idx`, ids)
	if err != nil {
		return nil, err
	}
	var msgs []messageRow
	if err := s.db.SelectContext(ctx, &msgs, s.db.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("store: messages: %w", err)
	}
	for _, m := range msgs {
		c := &out[byID[m.ConversationID]]
		c.Messages = append(c.Messages, voc.Message{ExternalID: m.ExternalID, Role: voc.Role(m.Role), Author: m.Author, At: m.SentAt.UTC(), Text: m.Text, Label: voc.Kind(m.Label)})
	}
	return out, nil
}
