-- The facility's watchlist: people not to be let in, each with why, who listed them and until
-- when. Entries come from the portal, a CSV import, or the identity provider over SCIM: a SCIM
-- user is kept with its `scim_active` flag and is screened only while deactivated.
CREATE TABLE watchlist_entries (
    id            BLOB PRIMARY KEY NOT NULL,
    facility_id   BLOB NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    email         TEXT,
    company       TEXT,
    date_of_birth TEXT,
    reason        TEXT NOT NULL,
    source        TEXT NOT NULL CHECK (source IN ('portal', 'import', 'scim')),
    added_by      BLOB REFERENCES users (id) ON DELETE SET NULL,
    expires_at    TEXT,
    scim_id       TEXT,
    scim_active   BOOLEAN,
    scim_resource TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX watchlist_entries_by_facility ON watchlist_entries (facility_id, created_at);
CREATE UNIQUE INDEX watchlist_entries_by_scim_id ON watchlist_entries (facility_id, scim_id)
    WHERE scim_id IS NOT NULL;

-- An invitation screening held: which entry it matched and how, until an administrator decides
-- (the visitor is not the listed person, or is let in anyway), with their reason in the audit log.
CREATE TABLE screening_holds (
    invitation_id BLOB PRIMARY KEY NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    entry_id      BLOB REFERENCES watchlist_entries (id) ON DELETE SET NULL,
    matched       TEXT NOT NULL CHECK (matched IN ('email', 'name')),
    score         DOUBLE PRECISION NOT NULL,
    held_at       TEXT NOT NULL,
    verdict       TEXT CHECK (verdict IN ('false_positive', 'allowed')),
    decided_by    BLOB REFERENCES users (id) ON DELETE SET NULL,
    decided_at    TEXT
);

-- The bearer token an identity provider's SCIM client uses, one per facility, kept as a digest.
CREATE TABLE scim_tokens (
    facility_id BLOB PRIMARY KEY NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    digest      TEXT NOT NULL UNIQUE,
    created_by  BLOB REFERENCES users (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL
);
