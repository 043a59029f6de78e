-- Reception kiosks: enrolled once with a single-use code, then known by a device token.

CREATE TABLE kiosk_codes (
    code_hash   BYTEA PRIMARY KEY,           -- SHA-256 of the normalised code; the code is never stored
    facility_id UUID NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,               -- the name the kiosk will have
    created_by  UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ                  -- set when a kiosk enrolled with it
);

CREATE TABLE kiosks (
    id          UUID PRIMARY KEY,
    facility_id UUID NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    token_hash  BYTEA NOT NULL UNIQUE,       -- SHA-256 of the device token
    enrolled_at TIMESTAMPTZ NOT NULL,
    revoked_at  TIMESTAMPTZ
);
CREATE INDEX kiosks_by_facility ON kiosks (facility_id);
