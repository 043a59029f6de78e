-- A category's door policy besides its longest visit and documents: the zones (ids in the
-- facility's zone map) its visitors may enter, those entered only with the host as escort, and
-- how many minutes before the visit its doors already open.
ALTER TABLE categories ADD COLUMN zones TEXT NOT NULL DEFAULT '[]';
ALTER TABLE categories ADD COLUMN escorted_zones TEXT NOT NULL DEFAULT '[]';
ALTER TABLE categories ADD COLUMN early_access_minutes BIGINT NOT NULL DEFAULT 0;

-- Signing keys are kept sealed (ChaCha20-Poly1305 under the cloud's key secret, which lives
-- outside the database) beside their public half. Keys stored in clear before are sealed and
-- removed from clear_signing_keys when the cloud first starts with its secret.
ALTER TABLE signing_keys RENAME TO clear_signing_keys;
ALTER INDEX signing_keys_pkey RENAME TO clear_signing_keys_pkey;
CREATE TABLE signing_keys (
    kid        BIGINT PRIMARY KEY NOT NULL,
    public_key BYTEA NOT NULL,
    sealed     BYTEA NOT NULL, -- nonce (12 bytes), then the sealed secret key
    created_at TIMESTAMPTZ NOT NULL
);

-- Each visit's door credentials. A credential is prepared (signed, not yet valid at any door)
-- for an approved invitation, issued when the visitor checks in, and revoked for good at
-- check-out, at the window's end, by a decision or by reception. One at most is live per visit.
CREATE TABLE credentials (
    id             UUID PRIMARY KEY NOT NULL,
    invitation_id  UUID NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    facility_id    UUID NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    kid            BIGINT NOT NULL,
    not_before     TIMESTAMPTZ NOT NULL,
    not_after      TIMESTAMPTZ NOT NULL,
    zones          TEXT NOT NULL, -- JSON list of zone ids
    escort         BOOLEAN NOT NULL,
    token          TEXT NOT NULL, -- the signed credential, as the badge and phone carry it
    missing        TEXT NOT NULL DEFAULT '[]', -- JSON list of documents still to hand in
    state          TEXT NOT NULL CHECK (state IN ('prepared', 'issued', 'revoked')),
    prepared_at    TIMESTAMPTZ NOT NULL,
    issued_at      TIMESTAMPTZ,
    revoked_at     TIMESTAMPTZ,
    revoked_reason TEXT
);
CREATE UNIQUE INDEX credentials_one_live_per_visit ON credentials (invitation_id)
    WHERE state <> 'revoked';
CREATE INDEX credentials_issued_until ON credentials (state, not_after);

-- The room of the zone map an invitation is to, if the host named one.
ALTER TABLE invitations ADD COLUMN room TEXT;
