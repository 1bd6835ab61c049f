package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ClaimJob takes the run of job due at due for owner, holding it for lease.
// Exactly one caller wins each (job, due) pair, whichever server it runs on.
// With retake, a run whose owner let its lease lapse without finishing (it
// crashed) may be taken over; without it the run is never repeated, for
// jobs that must happen at most once, such as posting a digest.
func (s *Store) ClaimJob(ctx context.Context, job string, due time.Time, owner string, lease time.Duration, retake bool) (bool, error) {
	now := time.Now().UTC()
	due = due.UTC().Truncate(time.Millisecond)
	res, err := s.db.ExecContext(ctx, s.db.Rebind(`INSERT INTO job_runs (job, due_at, owner, state, lease_until, started_at)
		VALUES (?, ?, ?, 'running', ?, ?) ON CONFLICT (job, due_at) DO NOTHING`), job, due, owner, now.Add(lease), now)
	if err != nil {
		return false, fmt.Errorf("store: claim job %s due %s: %w", job, due.Format(time.RFC3339), err)
	}
	if n, _ := res.RowsAffected(); n == 1 || !retake {
		return n == 1, nil
	}
	res, err = s.db.ExecContext(ctx, s.db.Rebind(`UPDATE job_runs SET owner = ?, lease_until = ?, attempts = attempts + 1, started_at = ?
		WHERE job = ? AND due_at = ? AND state = 'running' AND lease_until < ?`), owner, now.Add(lease), now, job, due, now)
	if err != nil {
		return false, fmt.Errorf("store: retake job %s due %s: %w", job, due.Format(time.RFC3339), err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// ExtendJob renews owner's lease on a running job.
func (s *Store) ExtendJob(ctx context.Context, job string, due time.Time, owner string, lease time.Duration) error {
	return s.jobUpdate(ctx, job, due, owner, `UPDATE job_runs SET lease_until = ? WHERE job = ? AND due_at = ? AND owner = ? AND state = 'running'`,
		time.Now().UTC().Add(lease))
}

// FinishJob records the end of owner's run: done, or failed with runErr.
func (s *Store) FinishJob(ctx context.Context, job string, due time.Time, owner string, runErr error) error {
	state, msg := "done", ""
	if runErr != nil {
		state, msg = "failed", clipError(runErr.Error())
	}
	return s.jobUpdate(ctx, job, due, owner, `UPDATE job_runs SET state = ?, error = ?, finished_at = ? WHERE job = ? AND due_at = ? AND owner = ? AND state = 'running'`,
		state, msg, time.Now().UTC())
}

func (s *Store) jobUpdate(ctx context.Context, job string, due time.Time, owner, q string, args ...any) error {
	args = append(args, job, due.UTC().Truncate(time.Millisecond), owner)
	res, err := s.db.ExecContext(ctx, s.db.Rebind(q), args...)
	if err != nil {
		return fmt.Errorf("store: job %s: %w", job, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: job %s due %s held by %s: %w", job, due.Format(time.RFC3339), owner, ErrLeaseLost)
	}
	return nil
}

// JobRun is one recorded run of a scheduled job.
type JobRun struct {
	Job        string       `db:"job"`
	DueAt      time.Time    `db:"due_at"`
	Owner      string       `db:"owner"`
	State      string       `db:"state"` // running, done or failed
	Attempts   int          `db:"attempts"`
	LeaseUntil time.Time    `db:"lease_until"`
	StartedAt  time.Time    `db:"started_at"`
	FinishedAt sql.NullTime `db:"finished_at"`
	Error      string       `db:"error"`
}

// LastJobRun returns the latest run of job in state (any state when empty),
// or ErrNotFound.
func (s *Store) LastJobRun(ctx context.Context, job, state string) (JobRun, error) {
	var r JobRun
	err := s.db.GetContext(ctx, &r, s.db.Rebind(`SELECT * FROM job_runs WHERE job = ? AND (? = '' OR state = ?) ORDER BY due_at DESC LIMIT 1`), job, state, state)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("store: last run of %s: %w", job, err)
	}
	r.DueAt, r.StartedAt, r.LeaseUntil = r.DueAt.UTC(), r.StartedAt.UTC(), r.LeaseUntil.UTC()
	return r, nil
}

// JobRuns returns every run of job, oldest first.
func (s *Store) JobRuns(ctx context.Context, job string) ([]JobRun, error) {
	var rs []JobRun
	if err := s.db.SelectContext(ctx, &rs, s.db.Rebind(`SELECT * FROM job_runs WHERE job = ? ORDER BY due_at`), job); err != nil {
		return nil, fmt.Errorf("store: runs of %s: %w", job, err)
	}
	for i := range rs {
		rs[i].DueAt = rs[i].DueAt.UTC()
	}
	return rs, nil
}

// PurgeJobRuns deletes finished runs of jobs named with prefix that were
// due before cutoff (one-off records such as Slack replies sent).
func (s *Store) PurgeJobRuns(ctx context.Context, prefix string, cutoff time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, s.db.Rebind(`DELETE FROM job_runs WHERE job LIKE ? ESCAPE '\' AND state <> 'running' AND due_at < ?`),
		strings.ReplaceAll(strings.ReplaceAll(prefix, "%", `\%`), "_", `\_`)+"%", cutoff.UTC())
	if err != nil {
		return 0, fmt.Errorf("store: purge runs of %s*: %w", prefix, err)
	}
	return res.RowsAffected()
}
