-- Kiosks report printed badges too. SQLite cannot change a CHECK constraint in place: the table
-- is copied into one that allows it.
CREATE TABLE kiosk_events_new (
    id            BLOB PRIMARY KEY NOT NULL,
    kiosk_id      BLOB NOT NULL REFERENCES kiosks (id) ON DELETE CASCADE,
    invitation_id BLOB NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('check_in', 'check_out', 'badge_printed')),
    happened_at   TEXT NOT NULL,
    received_at   TEXT NOT NULL,
    outcome       TEXT NOT NULL CHECK (outcome IN ('applied', 'already_done', 'flagged', 'refused')),
    visit_status  TEXT,
    reason        TEXT,
    handled_at    TEXT,
    handled_by    BLOB REFERENCES users (id) ON DELETE SET NULL
);
INSERT INTO kiosk_events_new
    SELECT id, kiosk_id, invitation_id, kind, happened_at, received_at, outcome, visit_status,
           reason, handled_at, handled_by
    FROM kiosk_events;
DROP TABLE kiosk_events;
ALTER TABLE kiosk_events_new RENAME TO kiosk_events;
CREATE INDEX kiosk_events_flagged ON kiosk_events (outcome, received_at);
