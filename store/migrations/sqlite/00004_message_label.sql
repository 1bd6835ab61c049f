-- +goose Up
-- A person's verdict given in the source (e.g. a Slack reaction).
ALTER TABLE messages ADD COLUMN label TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE messages DROP COLUMN label;
