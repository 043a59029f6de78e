-- Gatehouse's schema on PostgreSQL. Ids are UUIDv7; times are TIMESTAMPTZ;
-- permission sets are bit sets (see gatehouse_core::PermissionSet).

CREATE TABLE facilities (
    id             UUID PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    address        TEXT NOT NULL,
    time_zone      TEXT NOT NULL,           -- IANA name, e.g. Europe/Berlin
    end_of_day     TEXT NOT NULL,           -- local wall-clock time, HH:MM
    security_email TEXT,                    -- told of every invitation that needs approval
    created_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE occupancies (
    id          UUID PRIMARY KEY,
    facility_id UUID NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    UNIQUE (facility_id, name)
);

CREATE TABLE users (
    id            UUID PRIMARY KEY,
    facility_id   UUID NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    occupancy_id  UUID REFERENCES occupancies (id) ON DELETE CASCADE, -- NULL: facility staff
    display_name  TEXT NOT NULL,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT,                                            -- argon2id PHC string
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX users_by_occupancy ON users (occupancy_id);

CREATE TABLE roles (
    id           UUID PRIMARY KEY,
    facility_id  UUID NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    occupancy_id UUID REFERENCES occupancies (id) ON DELETE CASCADE, -- NULL: a facility role
    name         TEXT NOT NULL,
    permissions  BIGINT NOT NULL,
    created_by   UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX roles_by_facility ON roles (facility_id);

CREATE TABLE user_roles (
    user_id    UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role_id    UUID NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    granted_by UUID REFERENCES users (id) ON DELETE SET NULL,
    granted_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, role_id)
);

CREATE TABLE access_tokens (
    token_hash BYTEA PRIMARY KEY,  -- SHA-256 of the secret; the secret is never stored
    user_id    UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('session', 'api')),
    name       TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ
);

CREATE TABLE categories (
    facility_id           UUID NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    kind                  TEXT NOT NULL,
    enabled               BOOLEAN NOT NULL,
    needs_approval        BOOLEAN NOT NULL,
    email                 TEXT,
    longest_visit_minutes BIGINT,
    documents             TEXT NOT NULL DEFAULT '[]', -- JSON list of required documents
    PRIMARY KEY (facility_id, kind)
);

CREATE TABLE invitations (
    id              UUID PRIMARY KEY,
    facility_id     UUID NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    occupancy_id    UUID NOT NULL REFERENCES occupancies (id) ON DELETE CASCADE,
    host_id         UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_by      UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    category        TEXT NOT NULL,
    visitor_name    TEXT NOT NULL,
    visitor_email   TEXT NOT NULL,
    visitor_company TEXT NOT NULL DEFAULT '',
    starts_at       TIMESTAMPTZ NOT NULL,
    ends_at         TIMESTAMPTZ NOT NULL,
    approval_status TEXT NOT NULL
        CHECK (approval_status IN ('pending', 'approved', 'rejected', 'cancelled')),
    visit_status    TEXT NOT NULL DEFAULT 'expected'
        CHECK (visit_status IN ('expected', 'checked_in', 'checked_out', 'no_show', 'expired')),
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    CHECK (ends_at > starts_at)
);
-- Covers the day filter (starts_at bounded on both sides, ends_at checked in the index).
CREATE INDEX invitations_by_day ON invitations (facility_id, starts_at, ends_at);
-- Searching by any part of the visitor's name (pg_trgm is a trusted extension since 13).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX invitations_by_visitor_name ON invitations USING gin (lower(visitor_name) gin_trgm_ops);
CREATE INDEX invitations_by_host ON invitations (host_id, starts_at);
CREATE INDEX invitations_by_creator ON invitations (created_by, starts_at);

-- Who did what to an invitation, when and why.
CREATE TABLE invitation_events (
    id            UUID PRIMARY KEY,
    invitation_id UUID NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    actor_id      UUID REFERENCES users (id) ON DELETE SET NULL,
    action        TEXT NOT NULL,
    from_status   TEXT,
    to_status     TEXT NOT NULL,
    reason        TEXT,
    at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX invitation_events_by_invitation ON invitation_events (invitation_id, at);

-- Messages to send, written in the same transaction as the change that causes them.
CREATE TABLE outbox (
    id              UUID PRIMARY KEY,
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL,  -- JSON
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ,
    last_error      TEXT,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX outbox_due ON outbox (sent_at, next_attempt_at);

-- Ed25519 keys that sign invitation codes; the newest signs, all verify.
CREATE TABLE signing_keys (
    kid        BIGINT PRIMARY KEY,
    secret     BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
