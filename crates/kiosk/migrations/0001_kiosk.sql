-- The kiosk's own store: who it is, the invitations it may check in (a copy of the cloud's feed),
-- where it is in that feed, and what happened here that the cloud has not heard of yet.

CREATE TABLE enrollment (
    only          INTEGER PRIMARY KEY CHECK (only = 1),  -- a kiosk is enrolled once
    kiosk_id      TEXT NOT NULL,
    name          TEXT NOT NULL,
    facility_id   TEXT NOT NULL,
    facility_name TEXT NOT NULL,
    time_zone     TEXT NOT NULL,
    token         TEXT NOT NULL                          -- the device token, ghk_…
);

CREATE TABLE invitations (
    id           TEXT PRIMARY KEY NOT NULL,
    visitor_name TEXT NOT NULL,
    starts_at    TEXT NOT NULL,
    body         TEXT NOT NULL                           -- the KioskInvitation as JSON
);
CREATE INDEX invitations_by_start ON invitations (starts_at);

CREATE TABLE feed (
    only   INTEGER PRIMARY KEY CHECK (only = 1),
    cursor TEXT NOT NULL
);

CREATE TABLE outbox (
    id              TEXT PRIMARY KEY NOT NULL,           -- the event's UUIDv7, also its order
    body            TEXT NOT NULL,                       -- the KioskEventReport as JSON
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL
);
