-- The facility's watchlist: people not to be let in, each with why, who listed them and until
-- when. Entries come from the portal, a CSV import, or the identity provider over SCIM: a SCIM
-- user is kept with its `scim_active` flag and is screened only while deactivated.
CREATE TABLE watchlist_entries (
    id            UUID PRIMARY KEY NOT NULL,
    facility_id   UUID NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    email         TEXT,
    company       TEXT,
    date_of_birth DATE,
    reason        TEXT NOT NULL,
    source        TEXT NOT NULL CHECK (source IN ('portal', 'import', 'scim')),
    added_by      UUID REFERENCES users (id) ON DELETE SET NULL,
    expires_at    TIMESTAMPTZ,
    scim_id       TEXT,
    scim_active   BOOLEAN,
    scim_resource TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX watchlist_entries_by_facility ON watchlist_entries (facility_id, created_at);
CREATE UNIQUE INDEX watchlist_entries_by_scim_id ON watchlist_entries (facility_id, scim_id)
    WHERE scim_id IS NOT NULL;

-- An invitation screening held: which entry it matched and how, until an administrator decides
-- (the visitor is not the listed person, or is let in anyway), with their reason in the audit log.
CREATE TABLE screening_holds (
    invitation_id UUID PRIMARY KEY NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    entry_id      UUID REFERENCES watchlist_entries (id) ON DELETE SET NULL,
    matched       TEXT NOT NULL CHECK (matched IN ('email', 'name')),
    score         DOUBLE PRECISION NOT NULL,
    held_at       TIMESTAMPTZ NOT NULL,
    verdict       TEXT CHECK (verdict IN ('false_positive', 'allowed')),
    decided_by    UUID REFERENCES users (id) ON DELETE SET NULL,
    decided_at    TIMESTAMPTZ
);

-- The bearer token an identity provider's SCIM client uses, one per facility, kept as a digest.
CREATE TABLE scim_tokens (
    facility_id UUID PRIMARY KEY NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    digest      TEXT NOT NULL UNIQUE,
    created_by  UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
