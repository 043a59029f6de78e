-- Facilities (buildings), the occupancies (tenants) inside them, the people who host visitors,
-- and the invitations those hosts send. Ids are UUIDv7 (16-byte blobs); times are RFC 3339 UTC.

CREATE TABLE facilities (
    id          BLOB PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL UNIQUE,
    address     TEXT NOT NULL,
    end_of_day  TEXT NOT NULL -- local wall-clock time, HH:MM
);

CREATE TABLE occupancies (
    id          BLOB PRIMARY KEY NOT NULL,
    facility_id BLOB NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    UNIQUE (facility_id, name)
);

CREATE TABLE users (
    id           BLOB PRIMARY KEY NOT NULL,
    occupancy_id BLOB NOT NULL REFERENCES occupancies (id) ON DELETE CASCADE,
    display_name TEXT NOT NULL,
    email        TEXT NOT NULL UNIQUE
);

CREATE TABLE invitations (
    id              BLOB PRIMARY KEY NOT NULL,
    occupancy_id    BLOB NOT NULL REFERENCES occupancies (id) ON DELETE CASCADE,
    host_id         BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
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
    CHECK (ends_at > starts_at)
);

CREATE INDEX invitations_by_start ON invitations (occupancy_id, starts_at);
