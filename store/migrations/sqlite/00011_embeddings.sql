-- +goose Up
-- Embeddings fetched from the configured /embeddings endpoint, by the hash
-- of the model and the redacted text (no text is kept): a re-run, or a run
-- after a crash, pays only for texts it has not seen. vector is the
-- little-endian float32s of a unit-length vector.
CREATE TABLE embeddings (
    key    TEXT PRIMARY KEY,
    vector BLOB NOT NULL
);

-- +goose Down
DROP TABLE embeddings;
