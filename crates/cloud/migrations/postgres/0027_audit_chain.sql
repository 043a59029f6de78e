-- The visits' history becomes the facility's audit log: append-only and hash-chained. Each entry
-- carries its place in its facility's chain, the hash of the entry before it and its own hash
-- (over its fields and that previous hash), so that an edited, inserted or deleted entry breaks
-- the chain where it happened. Entries written before this migration are chained by the cloud
-- when it starts (their hash is still empty then).
ALTER TABLE invitation_events ADD COLUMN facility_id UUID;
ALTER TABLE invitation_events ADD COLUMN seq BIGINT;
ALTER TABLE invitation_events ADD COLUMN prev_hash TEXT;
ALTER TABLE invitation_events ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX invitation_events_chain ON invitation_events (facility_id, seq);

-- Each facility's newest entry: the chain's head, so that entries deleted from its end show too.
-- Updating it takes the facility's row lock, which puts concurrent writers' entries in one order.
CREATE TABLE audit_heads (
    facility_id UUID PRIMARY KEY REFERENCES facilities (id) ON DELETE CASCADE,
    seq         BIGINT NOT NULL,
    hash        TEXT NOT NULL
);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END
$$;
CREATE TRIGGER invitation_events_append_only BEFORE UPDATE ON invitation_events
FOR EACH ROW WHEN (OLD.hash IS NOT NULL) EXECUTE FUNCTION audit_log_is_append_only();

-- Nobody's name is taken out of the log: a person with entries cannot be deleted (people are
-- deactivated), except with their whole facility, whose entries go in the same statement.
ALTER TABLE invitation_events DROP CONSTRAINT invitation_events_actor_id_fkey;
ALTER TABLE invitation_events ADD CONSTRAINT invitation_events_actor_id_fkey
    FOREIGN KEY (actor_id) REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED;
