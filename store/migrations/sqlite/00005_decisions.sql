-- +goose Up
-- A product owner's call on a topic, kept by topic key so that it survives
-- every re-ranking and covers the asks that join the topic later.
CREATE TABLE decisions (
    topic_key  TEXT PRIMARY KEY,
    status     TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    decided_by TEXT NOT NULL,
    decided_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE decisions;
