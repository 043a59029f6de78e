-- The visits' history becomes the facility's audit log: append-only and hash-chained. Each entry
-- carries its place in its facility's chain, the hash of the entry before it and its own hash
-- (over its fields and that previous hash), so that an edited, inserted or deleted entry breaks
-- the chain where it happened. Entries written before this migration are chained by the cloud
-- when it starts (their hash is still empty then).
ALTER TABLE invitation_events ADD COLUMN facility_id BLOB;
ALTER TABLE invitation_events ADD COLUMN seq BIGINT;
ALTER TABLE invitation_events ADD COLUMN prev_hash TEXT;
ALTER TABLE invitation_events ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX invitation_events_chain ON invitation_events (facility_id, seq);

-- Each facility's newest entry: the chain's head, so that entries deleted from its end show too.
-- Updating it takes the facility's row lock, which puts concurrent writers' entries in one order.
CREATE TABLE audit_heads (
    facility_id BLOB PRIMARY KEY NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    seq         BIGINT NOT NULL,
    hash        TEXT NOT NULL
);

CREATE TRIGGER invitation_events_append_only BEFORE UPDATE ON invitation_events
WHEN OLD.hash IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
