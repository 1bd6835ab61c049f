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
	if err := putValue(ctx, tx, "stage_state", "stage", stage, "marker", marker); err != nil {
		return fmt.Errorf("store: set %s marker: %w", stage, err)
	}
	return nil
}

// putValue writes one keyed value of a small state table (stage markers,
// collector cursors), updating the row only when the value changed, with
// the time it did. table and the column names are constants of this
// package, never user input.
func putValue(ctx context.Context, tx *sqlx.Tx, table, keyCol, key, valCol, val string) error {
	var old string
	err := tx.GetContext(ctx, &old, tx.Rebind(`SELECT `+valCol+` FROM `+table+` WHERE `+keyCol+` = ?`), key)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = tx.ExecContext(ctx, tx.Rebind(`INSERT INTO `+table+` (`+keyCol+`, `+valCol+`, updated_at) VALUES (?, ?, ?)`), key, val, time.Now().UTC())
	case err == nil && old != val:
		_, err = tx.ExecContext(ctx, tx.Rebind(`UPDATE `+table+` SET `+valCol+` = ?, updated_at = ? WHERE `+keyCol+` = ?`), val, time.Now().UTC(), key)
	}
	return err
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
