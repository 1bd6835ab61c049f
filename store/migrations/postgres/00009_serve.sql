-- +goose Up
-- The durable queue between voc serve's webhook intake and its workers. A
-- delivery is recorded once per (source, delivery_id), so a redelivered
-- webhook is acknowledged without new work. A claimed event is leased: a
-- worker that dies leaves it to be claimed again when available_at passes.
CREATE TABLE events (
    id           BIGSERIAL PRIMARY KEY,
    source       TEXT NOT NULL,
    delivery_id  TEXT NOT NULL,
    kind         TEXT NOT NULL,
    payload      BYTEA NOT NULL,
    received_at  TIMESTAMP NOT NULL,
    state        TEXT NOT NULL DEFAULT 'pending',
    attempts     INTEGER NOT NULL DEFAULT 0,
    available_at TIMESTAMP NOT NULL,
    lease_owner  TEXT NOT NULL DEFAULT '',
    last_error   TEXT NOT NULL DEFAULT '',
    done_at      TIMESTAMP,
    UNIQUE (source, delivery_id)
);
CREATE INDEX events_ready ON events (state, available_at);

-- One row per scheduled job and due time: whoever inserts it runs the job,
-- so several servers on one database run each due job once.
CREATE TABLE job_runs (
    job         TEXT NOT NULL,
    due_at      TIMESTAMP NOT NULL,
    owner       TEXT NOT NULL,
    state       TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 1,
    lease_until TIMESTAMP NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    error       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (job, due_at)
);

-- +goose Down
DROP TABLE job_runs;
DROP TABLE events;
