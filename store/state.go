package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// setMarker records a stage's progress marker inside the stage's own
// transaction, so the marker and the work it stands for commit together.
// Writing the same marker again changes nothing.
func setMarker(ctx context.Context, tx *sqlx.Tx, stage, marker string) error {
	var old string
	err := tx.GetContext(ctx, &old, tx.Rebind(`SELECT marker FROM stage_state WHERE stage = ?`), stage)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = tx.ExecContext(ctx, tx.Rebind(`INSERT INTO stage_state (stage, marker, updated_at) VALUES (?, ?, ?)`), stage, marker, time.Now().UTC())
	case err == nil && old != marker:
		_, err = tx.ExecContext(ctx, tx.Rebind(`UPDATE stage_state SET marker = ?, updated_at = ? WHERE stage = ?`), marker, time.Now().UTC(), stage)
	}
	if err != nil {
		return fmt.Errorf("store: set %s marker: %w", stage, err)
	}
	return nil
}

// Marker returns a stage's last recorded marker, or "" if it never ran.
func (s *Store) Marker(ctx context.Context, stage string) (string, error) {
	var m string
	err := s.db.GetContext(ctx, &m, s.db.Rebind(`SELECT marker FROM stage_state WHERE stage = ?`), stage)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: %s marker: %w", stage, err)
	}
	return m, nil
}
