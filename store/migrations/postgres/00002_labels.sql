-- +goose Up
-- A person's label for one ask. It outlives re-classification (items are
-- replaced when their conversation changes), overrides the machine while
-- the quote still matches, and is training data for `voc train --from-store`.
CREATE TABLE labels (
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    quote           TEXT NOT NULL,
    kind            TEXT NOT NULL,
    fault           TEXT NOT NULL DEFAULT '',
    labelled_by     TEXT NOT NULL,
    labelled_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (conversation_id, seq)
);

-- +goose Down
DROP TABLE labels;
