-- A visitor the kiosk sent to reception (their invitation still waits for approval): reception
-- sees them on the Lobby page until someone handles it.
CREATE TABLE reception_requests (
    id            UUID PRIMARY KEY,
    invitation_id UUID NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    kiosk_id      UUID NOT NULL REFERENCES kiosks (id) ON DELETE CASCADE,
    reason        TEXT NOT NULL,
    asked_at      TIMESTAMPTZ NOT NULL,
    handled_at    TIMESTAMPTZ,
    handled_by    UUID REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX reception_requests_open ON reception_requests (kiosk_id, handled_at);
