package store

import (
	"context"
	"database/sql"
	"errors"
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

func upsertConversations(ctx context.Context, tx *sqlx.Tx, convs []voc.Conversation) (UpsertCounts, error) {
	var c UpsertCounts
	err := func() error {
		for i := range convs {
			conv := normalizeConversation(convs[i])
			if err := conv.Validate(); err != nil {
				return fmt.Errorf("store: conversation %s/%s: %w", conv.Source, conv.ExternalID, err)
			}
			hash := contentHash(conv)
			row := conversationRow{Source: conv.Source, ExternalID: conv.ExternalID, AccountID: conv.AccountID,
				Channel: conv.Channel, Language: conv.Language, Subject: conv.Subject, URL: conv.URL,
				CreatedAt: conv.CreatedAt, UpdatedAt: conv.UpdatedAt, CustomerDomain: customerDomain(&conv), ContentHash: hash}
			var old struct {
				ID   int64  `db:"id"`
				Hash string `db:"content_hash"`
			}
			err := tx.GetContext(ctx, &old, tx.Rebind(`SELECT id, content_hash FROM conversations WHERE source = ? AND external_id = ?`), conv.Source, conv.ExternalID)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				err = tx.QueryRowxContext(ctx, tx.Rebind(`INSERT INTO conversations
					(source, external_id, account_id, channel, language, subject, url, created_at, updated_at, customer_domain, content_hash)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
					row.Source, row.ExternalID, row.AccountID, row.Channel, row.Language, row.Subject, row.URL,
					row.CreatedAt, row.UpdatedAt, row.CustomerDomain, row.ContentHash).Scan(&row.ID)
				if err == nil {
					err = insertMessages(ctx, tx, row.ID, conv.Messages)
				}
				c.New++
			case err != nil:
			case old.Hash == hash:
				c.Unchanged++
			default:
				row.ID = old.ID
				_, err = tx.NamedExecContext(ctx, `UPDATE conversations SET account_id = :account_id, channel = :channel,
					language = :language, subject = :subject, url = :url, created_at = :created_at, updated_at = :updated_at,
					customer_domain = :customer_domain, content_hash = :content_hash WHERE id = :id`, row)
				if err == nil {
					_, err = tx.ExecContext(ctx, tx.Rebind(`DELETE FROM messages WHERE conversation_id = ?`), row.ID)
				}
				if err == nil {
					err = insertMessages(ctx, tx, row.ID, conv.Messages)
				}
				c.Updated++
			}
			if err != nil {
				return fmt.Errorf("store: upsert conversation %s/%s: %w", conv.Source, conv.ExternalID, err)
			}
		}
		return nil
	}()
	return c, err
}

func insertMessages(ctx context.Context, tx *sqlx.Tx, convID int64, msgs []voc.Message) error {
	q := tx.Rebind(`INSERT INTO messages (conversation_id, idx, external_id, role, author, sent_at, text, label) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	for i, m := range msgs {
		if _, err := tx.ExecContext(ctx, q, convID, i, m.ExternalID, string(m.Role), m.Author, m.At, m.Text, string(m.Label)); err != nil {
			return err
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
