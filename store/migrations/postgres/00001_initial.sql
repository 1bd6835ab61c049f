-- +goose Up
CREATE TABLE accounts (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    domains      TEXT NOT NULL DEFAULT '',
    plan         TEXT NOT NULL DEFAULT '',
    mrr          BIGINT NOT NULL DEFAULT 0,
    currency     TEXT NOT NULL DEFAULT '',
    seats        INTEGER NOT NULL DEFAULT 0,
    segment      TEXT NOT NULL DEFAULT '',
    renewal_date TEXT NOT NULL DEFAULT '',
    content_hash TEXT NOT NULL
);

CREATE TABLE conversations (
    id              BIGSERIAL PRIMARY KEY,
    source          TEXT NOT NULL,
    external_id     TEXT NOT NULL,
    account_id      TEXT NOT NULL DEFAULT '',
    channel         TEXT NOT NULL DEFAULT '',
    language        TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL DEFAULT '',
    url             TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    customer_domain TEXT NOT NULL DEFAULT '',
    content_hash    TEXT NOT NULL,
    classified_hash TEXT NOT NULL DEFAULT '',
    UNIQUE (source, external_id)
);

CREATE TABLE messages (
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    idx             INTEGER NOT NULL,
    external_id     TEXT NOT NULL DEFAULT '',
    role            TEXT NOT NULL,
    author          TEXT NOT NULL DEFAULT '',
    sent_at         TIMESTAMPTZ NOT NULL,
    text            TEXT NOT NULL,
    PRIMARY KEY (conversation_id, idx)
);

CREATE TABLE topics (
    id           BIGSERIAL PRIMARY KEY,
    key          TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    kind         TEXT NOT NULL,
    area         TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL,
    items        INTEGER NOT NULL DEFAULT 0,
    accounts     INTEGER NOT NULL DEFAULT 0,
    mrr          BIGINT NOT NULL DEFAULT 0,
    currency     TEXT NOT NULL DEFAULT '',
    first_seen   TIMESTAMPTZ NOT NULL,
    last_seen    TIMESTAMPTZ NOT NULL,
    score        DOUBLE PRECISION NOT NULL DEFAULT 0,
    breakdown    TEXT NOT NULL DEFAULT '{}',
    decision     TEXT NOT NULL DEFAULT '',
    content_hash TEXT NOT NULL
);

CREATE TABLE items (
    id              BIGSERIAL PRIMARY KEY,
    conversation_id BIGINT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    quote           TEXT NOT NULL,
    language        TEXT NOT NULL DEFAULT '',
    kind            TEXT NOT NULL,
    fault           TEXT NOT NULL DEFAULT '',
    confidence      DOUBLE PRECISION NOT NULL DEFAULT 0,
    decided_by      TEXT NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    area            TEXT NOT NULL DEFAULT '',
    non_goal        TEXT NOT NULL DEFAULT '',
    asked_at        TIMESTAMPTZ NOT NULL,
    topic_id        BIGINT REFERENCES topics (id) ON DELETE SET NULL,
    UNIQUE (conversation_id, seq)
);
CREATE INDEX items_topic ON items (topic_id);

CREATE TABLE stage_state (
    stage      TEXT PRIMARY KEY,
    marker     TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE stage_state;
DROP TABLE items;
DROP TABLE topics;
DROP TABLE messages;
DROP TABLE conversations;
DROP TABLE accounts;
