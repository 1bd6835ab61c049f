-- +goose Up
-- A product owner's corrections to the grouping: merge one topic into
-- another (subject: the merged topic's key, target: the kept topic's key)
-- or split asks out into a topic of their own (subject: the ask's
-- reference source/external_id#seq, target: the new topic's group). They
-- are applied on every re-ranking.
CREATE TABLE topic_overrides (
    kind       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    target     TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (kind, subject)
);

-- +goose Down
DROP TABLE topic_overrides;
