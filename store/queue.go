package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// ErrLeaseLost is returned when a worker reports on an event or job whose
// lease another worker has taken over since.
var ErrLeaseLost = errors.New("lease lost")

// Event is one webhook delivery waiting in, or taken from, the queue.
type Event struct {
	ID         int64     `db:"id"`
	Source     string    `db:"source"`      // "github", "jira", "slack", "zendesk", ...
	DeliveryID string    `db:"delivery_id"` // the sender's delivery ID, the dedup key
	Kind       string    `db:"kind"`        // what the payload is, e.g. "github.issues"
	Payload    []byte    `db:"payload"`     // the body as received
	ReceivedAt time.Time `db:"received_at"`
	Attempts   int       `db:"attempts"` // including the current one
}

// QueueStats counts the queue's events by state.
type QueueStats struct {
	Pending int64 // waiting or leased
	Done    int64
	Dead    int64 // given up after too many failures
}

// Enqueue records a delivery once: a second delivery with the same source
// and ID is reported as a duplicate and changes nothing. When it returns
// nil the event is durable, so the sender may be acknowledged.
func (s *Store) Enqueue(ctx context.Context, source, deliveryID, kind string, payload []byte) (duplicate bool, err error) {
	if source == "" || deliveryID == "" {
		return false, fmt.Errorf("store: enqueue: source %q and delivery ID %q must both be set", source, deliveryID)
	}
	if payload == nil {
		payload = []byte{}
	}
	now := time.Now().UTC()
	res, err := s.db.ExecContext(ctx, s.db.Rebind(`INSERT INTO events (source, delivery_id, kind, payload, received_at, available_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source, delivery_id) DO NOTHING`), source, deliveryID, kind, payload, now, now)
	if err != nil {
		return false, fmt.Errorf("store: enqueue %s delivery %s: %w", source, deliveryID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: enqueue %s delivery %s: %w", source, deliveryID, err)
	}
	return n == 0, nil
}

// ClaimEvents leases up to n ready events to owner for lease, oldest first.
// Concurrent claimers never get the same event (PostgreSQL skips rows another
// transaction has locked; SQLite serialises writers). An event whose lease
// runs out without Complete or Fail is claimed again.
func (s *Store) ClaimEvents(ctx context.Context, owner string, n int, lease time.Duration) ([]Event, error) {
	now := time.Now().UTC()
	lock := ""
	if s.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	q := `UPDATE events SET attempts = attempts + 1, lease_owner = ?, available_at = ?
		WHERE id IN (SELECT id FROM events WHERE state = 'pending' AND available_at <= ? ORDER BY id LIMIT ?` + lock + `)
		RETURNING id, source, delivery_id, kind, payload, received_at, attempts`
	var evs []Event
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		if err := s.relaxed(ctx, tx); err != nil {
			return err
		}
		return tx.SelectContext(ctx, &evs, tx.Rebind(q), owner, now.Add(lease), now, n)
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim events: %w", err)
	}
	for i := range evs {
		evs[i].ReceivedAt = evs[i].ReceivedAt.UTC()
	}
	return evs, nil
}

// CompleteEvent marks an event done. It fails with ErrLeaseLost when the
// lease has passed to another worker, whose run then counts instead.
func (s *Store) CompleteEvent(ctx context.Context, id int64, owner string) error {
	return s.settle(ctx, id, owner, `UPDATE events SET state = 'done', done_at = ?, lease_owner = '', last_error = ''
		WHERE id = ? AND lease_owner = ? AND state = 'pending'`, time.Now().UTC(), id, owner)
}

// CompleteEvents marks the events of ids that owner still holds done, in
// one statement, and returns those it marked; the others' leases passed to
// another worker, whose runs then count instead.
func (s *Store) CompleteEvents(ctx context.Context, owner string, ids []int64) ([]int64, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	q, args, err := sqlx.In(`UPDATE events SET state = 'done', done_at = ?, lease_owner = '', last_error = ''
		WHERE lease_owner = ? AND state = 'pending' AND id IN (?) RETURNING id`, time.Now().UTC(), owner, ids)
	if err != nil {
		return nil, fmt.Errorf("store: complete events: %w", err)
	}
	var done []int64
	err = s.tx(ctx, func(tx *sqlx.Tx) error {
		if err := s.relaxed(ctx, tx); err != nil {
			return err
		}
		return tx.SelectContext(ctx, &done, tx.Rebind(q), args...)
	})
	if err != nil {
		return nil, fmt.Errorf("store: complete events: %w", err)
	}
	return done, nil
}

// FailEvent records a failed attempt: the event is retried after backoff, or
// set aside as dead once it has been tried maxAttempts times.
func (s *Store) FailEvent(ctx context.Context, id int64, owner, reason string, backoff time.Duration, maxAttempts int) error {
	now := time.Now().UTC()
	return s.settle(ctx, id, owner, `UPDATE events SET state = CASE WHEN attempts >= ? THEN 'dead' ELSE 'pending' END,
		available_at = ?, lease_owner = '', last_error = ? WHERE id = ? AND lease_owner = ? AND state = 'pending'`,
		maxAttempts, now.Add(backoff), clipError(reason), id, owner)
}

// ReleaseEvents hands back every event owner still holds, ready at once and
// without counting the attempt: a graceful shutdown's requeue.
func (s *Store) ReleaseEvents(ctx context.Context, owner string) (int, error) {
	res, err := s.db.ExecContext(ctx, s.db.Rebind(`UPDATE events SET lease_owner = '', available_at = ?, attempts = attempts - 1
		WHERE lease_owner = ? AND state = 'pending'`), time.Now().UTC(), owner)
	if err != nil {
		return 0, fmt.Errorf("store: release events of %s: %w", owner, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

func (s *Store) settle(ctx context.Context, id int64, owner, q string, args ...any) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		if err := s.relaxed(ctx, tx); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, tx.Rebind(q), args...)
		if err != nil {
			return fmt.Errorf("store: event %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: event %d held by %s: %w", id, owner, ErrLeaseLost)
		}
		return nil
	})
}

// relaxed lets a PostgreSQL transaction commit without waiting for its
// WAL flush. Only the queue's bookkeeping uses it (claims, completions,
// failures): losing one in a crash means an event is claimed or done
// again, which idempotent handlers absorb, while an enqueue (what a
// sender's acknowledgement rests on) always waits for the disk.
func (s *Store) relaxed(ctx context.Context, tx *sqlx.Tx) error {
	if s.dialect != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit TO OFF`)
	return err
}

// QueueStats counts the events by state.
func (s *Store) QueueStats(ctx context.Context) (QueueStats, error) {
	var rows []struct {
		State string `db:"state"`
		N     int64  `db:"n"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT state, COUNT(*) AS n FROM events GROUP BY state`); err != nil {
		return QueueStats{}, fmt.Errorf("store: queue stats: %w", err)
	}
	var st QueueStats
	for _, r := range rows {
		switch r.State {
		case "pending":
			st.Pending = r.N
		case "done":
			st.Done = r.N
		case "dead":
			st.Dead = r.N
		}
	}
	return st, nil
}

// PurgeEvents deletes done events finished before cutoff. Until then a
// redelivery of one is still recognised as a duplicate.
func (s *Store) PurgeEvents(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, s.db.Rebind(`DELETE FROM events WHERE state = 'done' AND done_at < ?`), cutoff.UTC())
	if err != nil {
		return 0, fmt.Errorf("store: purge events: %w", err)
	}
	return res.RowsAffected()
}

func clipError(s string) string {
	if len(s) > 2000 {
		return s[:2000]
	}
	return s
}
