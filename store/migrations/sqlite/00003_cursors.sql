-- +goose Up
-- Where each collector stopped: written in the same transaction as the
-- conversations it covers, so a killed run resumes exactly there.
CREATE TABLE cursors (
    source     TEXT PRIMARY KEY,
    cursor     TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- Which source an account came from: an accounts file ('file') wins over
-- organisations and companies read from support tools.
ALTER TABLE accounts ADD COLUMN origin TEXT NOT NULL DEFAULT 'file';

-- +goose Down
ALTER TABLE accounts DROP COLUMN origin;
DROP TABLE cursors;
