package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/voc-dev/voc"
)

type accountRow struct {
	ID          string `db:"id"`
	Name        string `db:"name"`
	Domains     string `db:"domains"`
	Plan        string `db:"plan"`
	MRR         int64  `db:"mrr"`
	Currency    string `db:"currency"`
	Seats       int    `db:"seats"`
	Segment     string `db:"segment"`
	RenewalDate string `db:"renewal_date"`
	ContentHash string `db:"content_hash"`
	Origin      string `db:"origin"`
	Owner       string `db:"owner" json:",omitempty"`
}

func toAccountRow(a voc.Account) accountRow {
	r := accountRow{ID: a.ID, Name: a.Name, Domains: strings.ToLower(strings.Join(a.Domains, ";")),
		Plan: a.Plan, MRR: a.MRR, Currency: a.Currency, Seats: a.Seats, Segment: a.Segment, Owner: a.Owner}
	if !a.RenewalDate.IsZero() {
		r.RenewalDate = a.RenewalDate.Format(time.DateOnly)
	}
	r.ContentHash = contentHash(r)
	return r
}

func (r accountRow) account() voc.Account {
	a := voc.Account{ID: r.ID, Name: r.Name, Plan: r.Plan, MRR: r.MRR, Currency: r.Currency, Seats: r.Seats, Segment: r.Segment, Origin: r.Origin, Owner: r.Owner}
	if r.Domains != "" {
		a.Domains = strings.Split(r.Domains, ";")
	}
	if r.RenewalDate != "" {
		a.RenewalDate, _ = time.Parse(time.DateOnly, r.RenewalDate)
	}
	return a
}

// UpsertAccounts inserts new accounts and updates changed ones, in one
// transaction. They come from an accounts file, which wins over what support
// tools say about the same account.
func (s *Store) UpsertAccounts(ctx context.Context, accounts []voc.Account) (UpsertCounts, error) {
	var c UpsertCounts
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		c, err = upsertAccounts(ctx, tx, accounts, OriginFile)
		return err
	})
	return c, err
}

// OriginFile marks accounts read from an accounts file.
const OriginFile = "file"

// upsertAccounts writes accounts from origin. An account that came from a
// file is never overwritten by a support tool's organisation or company.
func upsertAccounts(ctx context.Context, tx *sqlx.Tx, accounts []voc.Account, origin string) (UpsertCounts, error) {
	var c UpsertCounts
	for _, a := range accounts {
		r := toAccountRow(a)
		r.Origin = origin
		var old struct {
			Hash   string `db:"content_hash"`
			Origin string `db:"origin"`
		}
		err := tx.GetContext(ctx, &old, tx.Rebind(`SELECT content_hash, origin FROM accounts WHERE id = ?`), r.ID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = tx.NamedExecContext(ctx, `INSERT INTO accounts (id, name, domains, plan, mrr, currency, seats, segment, renewal_date, content_hash, origin, owner)
				VALUES (:id, :name, :domains, :plan, :mrr, :currency, :seats, :segment, :renewal_date, :content_hash, :origin, :owner)`, r)
			c.New++
		case err != nil:
		case old.Hash == r.ContentHash, old.Origin == OriginFile && origin != OriginFile:
			c.Unchanged++
		default:
			_, err = tx.NamedExecContext(ctx, `UPDATE accounts SET name = :name, domains = :domains, plan = :plan, mrr = :mrr,
				currency = :currency, seats = :seats, segment = :segment, renewal_date = :renewal_date, content_hash = :content_hash, origin = :origin, owner = :owner
				WHERE id = :id`, r)
			c.Updated++
		}
		if err != nil {
			return c, fmt.Errorf("store: upsert account %s: %w", r.ID, err)
		}
	}
	return c, nil
}

// Accounts returns every account, ordered by id.
func (s *Store) Accounts(ctx context.Context) ([]voc.Account, error) {
	var rows []accountRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT * FROM accounts ORDER BY id`); err != nil {
		return nil, fmt.Errorf("store: list accounts: %w", err)
	}
	out := make([]voc.Account, len(rows))
	for i, r := range rows {
		out[i] = r.account()
	}
	return out, nil
}

// Account returns one account, or ErrNotFound.
func (s *Store) Account(ctx context.Context, id string) (voc.Account, error) {
	var r accountRow
	err := s.db.GetContext(ctx, &r, s.db.Rebind(`SELECT * FROM accounts WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return voc.Account{}, fmt.Errorf("store: account %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return voc.Account{}, fmt.Errorf("store: account %s: %w", id, err)
	}
	return r.account(), nil
}
