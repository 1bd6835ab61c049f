-- +goose Up
-- What the tracker issue last said about the evidence (accounts, revenue
-- step, trend), so that a comment is added only when it changes materially.
ALTER TABLE tracker_links ADD COLUMN evidence TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE tracker_links DROP COLUMN evidence;
