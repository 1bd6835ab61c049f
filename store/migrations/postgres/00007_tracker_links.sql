-- +goose Up
-- The tracker issue of each topic, as last synced. The issue itself also
-- carries the topic's marker, so a lost table never duplicates an issue.
CREATE TABLE tracker_links (
    topic_key  TEXT PRIMARY KEY,
    tracker    TEXT NOT NULL,
    remote_id  TEXT NOT NULL,
    url        TEXT NOT NULL DEFAULT '',
    state      TEXT NOT NULL DEFAULT 'open',
    resolution TEXT NOT NULL DEFAULT '',
    synced_at  TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE tracker_links;
