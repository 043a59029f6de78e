-- Reception kiosks: enrolled once with a single-use code, then known by a device token.

CREATE TABLE kiosk_codes (
    code_hash   BLOB PRIMARY KEY NOT NULL,   -- SHA-256 of the normalised code; the code is never stored
    facility_id BLOB NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,               -- the name the kiosk will have
    created_by  BLOB REFERENCES users (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT                         -- set when a kiosk enrolled with it
);

CREATE TABLE kiosks (
    id          BLOB PRIMARY KEY NOT NULL,
    facility_id BLOB NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    token_hash  BLOB NOT NULL UNIQUE,        -- SHA-256 of the device token
    enrolled_at TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX kiosks_by_facility ON kiosks (facility_id);
