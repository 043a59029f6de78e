-- A badge the kiosk could not print is sent to the cloud too, for reception to print. SQLite
-- cannot change a CHECK constraint in place: the table is copied into one that allows it.
CREATE TABLE visit_documents_new (
    invitation_id BLOB NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('signed_nda', 'photo', 'unprinted_badge')),
    content_type  TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    content       BLOB NOT NULL,
    kiosk_id      BLOB NOT NULL REFERENCES kiosks (id) ON DELETE CASCADE,
    received_at   TEXT NOT NULL,
    PRIMARY KEY (invitation_id, kind)
);
INSERT INTO visit_documents_new SELECT * FROM visit_documents;
DROP TABLE visit_documents;
ALTER TABLE visit_documents_new RENAME TO visit_documents;
