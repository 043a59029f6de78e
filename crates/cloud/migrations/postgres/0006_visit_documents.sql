-- What a visitor signed and the photo taken for their badge, sent by the kiosk once the visit
-- is recorded; the kiosk then deletes its copy.
CREATE TABLE visit_documents (
    invitation_id UUID NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('signed_nda', 'photo')),
    content_type  TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    content       BYTEA NOT NULL,
    kiosk_id      UUID NOT NULL REFERENCES kiosks (id) ON DELETE CASCADE,
    received_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (invitation_id, kind)
);
