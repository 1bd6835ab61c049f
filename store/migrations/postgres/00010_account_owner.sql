-- +goose Up
-- Who at the team looks after the account: told when a topic its
-- customers asked for ships.
ALTER TABLE accounts ADD COLUMN owner TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE accounts DROP COLUMN owner;
