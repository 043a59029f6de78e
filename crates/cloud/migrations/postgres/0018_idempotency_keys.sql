-- Safe retries: a create sent with an Idempotency-Key is done once per caller and key; a retry
-- (after a dropped connection, say) gets the first answer again instead of a second invitation.
CREATE TABLE idempotency_keys (
    scope        TEXT NOT NULL,       -- SHA-256 of the caller's bearer token ('' without one)
    key          TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,       -- SHA-256 of the method, path, query and body
    status       BIGINT,              -- NULL while the first request is being answered
    content_type TEXT,
    body         BYTEA,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
