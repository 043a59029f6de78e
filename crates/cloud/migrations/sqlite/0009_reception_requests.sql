-- A visitor the kiosk sent to reception (their invitation still waits for approval): reception
-- sees them on the Lobby page until someone handles it.
CREATE TABLE reception_requests (
    id            BLOB PRIMARY KEY NOT NULL,
    invitation_id BLOB NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    kiosk_id      BLOB NOT NULL REFERENCES kiosks (id) ON DELETE CASCADE,
    reason        TEXT NOT NULL,
    asked_at      TEXT NOT NULL,
    handled_at    TEXT,
    handled_by    BLOB REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX reception_requests_open ON reception_requests (kiosk_id, handled_at);
