-- Gatehouse's schema on SQLite. Ids are UUIDv7 as 16-byte blobs; times are RFC 3339 UTC text;
-- permission sets are bit sets (see gatehouse_core::PermissionSet).

CREATE TABLE facilities (
    id             BLOB PRIMARY KEY NOT NULL,
    name           TEXT NOT NULL UNIQUE,
    address        TEXT NOT NULL,
    time_zone      TEXT NOT NULL,           -- IANA name, e.g. Europe/Berlin
    end_of_day     TEXT NOT NULL,           -- local wall-clock time, HH:MM
    security_email TEXT,                    -- told of every invitation that needs approval
    created_at     TEXT NOT NULL
);

CREATE TABLE occupancies (
    id          BLOB PRIMARY KEY NOT NULL,
    facility_id BLOB NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    UNIQUE (facility_id, name)
);

CREATE TABLE users (
    id            BLOB PRIMARY KEY NOT NULL,
    facility_id   BLOB NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    occupancy_id  BLOB REFERENCES occupancies (id) ON DELETE CASCADE, -- NULL: facility staff
    display_name  TEXT NOT NULL,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT,                                            -- argon2id PHC string
    created_at    TEXT NOT NULL
);
CREATE INDEX users_by_occupancy ON users (occupancy_id);

CREATE TABLE roles (
    id           BLOB PRIMARY KEY NOT NULL,
    facility_id  BLOB NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    occupancy_id BLOB REFERENCES occupancies (id) ON DELETE CASCADE, -- NULL: a facility role
    name         TEXT NOT NULL,
    permissions  BIGINT NOT NULL,
    created_by   BLOB REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX roles_by_facility ON roles (facility_id);

CREATE TABLE user_roles (
    user_id    BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role_id    BLOB NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    granted_by BLOB REFERENCES users (id) ON DELETE SET NULL,
    granted_at TEXT NOT NULL,
    PRIMARY KEY (user_id, role_id)
);

CREATE TABLE access_tokens (
    token_hash BLOB PRIMARY KEY NOT NULL,  -- SHA-256 of the secret; the secret is never stored
    user_id    BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('session', 'api')),
    name       TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT
);

CREATE TABLE categories (
    facility_id           BLOB NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    kind                  TEXT NOT NULL,
    enabled               BOOLEAN NOT NULL,
    needs_approval        BOOLEAN NOT NULL,
    email                 TEXT,
    longest_visit_minutes BIGINT,
    documents             TEXT NOT NULL DEFAULT '[]', -- JSON list of required documents
    PRIMARY KEY (facility_id, kind)
);

CREATE TABLE invitations (
    id              BLOB PRIMARY KEY NOT NULL,
    facility_id     BLOB NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    occupancy_id    BLOB NOT NULL REFERENCES occupancies (id) ON DELETE CASCADE,
    host_id         BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_by      BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    category        TEXT NOT NULL,
    visitor_name    TEXT NOT NULL,
    visitor_email   TEXT NOT NULL,
    visitor_company TEXT NOT NULL DEFAULT '',
    starts_at       TEXT NOT NULL,
    ends_at         TEXT NOT NULL,
    approval_status TEXT NOT NULL
        CHECK (approval_status IN ('pending', 'approved', 'rejected', 'cancelled')),
    visit_status    TEXT NOT NULL DEFAULT 'expected'
        CHECK (visit_status IN ('expected', 'checked_in', 'checked_out', 'no_show', 'expired')),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK (ends_at > starts_at)
);
-- Covers the day filter (starts_at bounded on both sides, ends_at checked in the index).
CREATE INDEX invitations_by_day ON invitations (facility_id, starts_at, ends_at);
CREATE INDEX invitations_by_host ON invitations (host_id, starts_at);
CREATE INDEX invitations_by_creator ON invitations (created_by, starts_at);

-- Who did what to an invitation, when and why.
CREATE TABLE invitation_events (
    id            BLOB PRIMARY KEY NOT NULL,
    invitation_id BLOB NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    actor_id      BLOB REFERENCES users (id) ON DELETE SET NULL,
    action        TEXT NOT NULL,
    from_status   TEXT,
    to_status     TEXT NOT NULL,
    reason        TEXT,
    at            TEXT NOT NULL
);
CREATE INDEX invitation_events_by_invitation ON invitation_events (invitation_id, at);

-- Messages to send, written in the same transaction as the change that causes them.
CREATE TABLE outbox (
    id              BLOB PRIMARY KEY NOT NULL,
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL,  -- JSON
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    sent_at         TEXT,
    last_error      TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox (sent_at, next_attempt_at);

-- Ed25519 keys that sign invitation codes; the newest signs, all verify.
CREATE TABLE signing_keys (
    kid        BIGINT PRIMARY KEY NOT NULL,
    secret     BLOB NOT NULL,
    created_at TEXT NOT NULL
);
