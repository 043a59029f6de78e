-- What kiosks report from the lobby, each report once: the id is the kiosk's own (UUIDv7), so a
-- report sent again after a lost answer is recognised and not applied twice.
CREATE TABLE kiosk_events (
    id            BLOB PRIMARY KEY NOT NULL,
    kiosk_id      BLOB NOT NULL REFERENCES kiosks (id) ON DELETE CASCADE,
    invitation_id BLOB NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('check_in', 'check_out')),
    happened_at   TEXT NOT NULL,
    received_at   TEXT NOT NULL,
    outcome       TEXT NOT NULL CHECK (outcome IN ('applied', 'already_done', 'flagged', 'refused')),
    visit_status  TEXT,                -- the visit's state after it, when it changed
    reason        TEXT                 -- why it was flagged or refused
);
CREATE INDEX kiosk_events_flagged ON kiosk_events (outcome, received_at);
