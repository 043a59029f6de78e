-- What a guest hands in on their pre-registration page before the visit: the NDA they signed
-- (its evidence as JSON: the text's version and hash, their typed name, their signature), a
-- certificate of insurance (PDF), an ID photo (JPEG or PNG). Handed in again, it replaces the
-- earlier one.
CREATE TABLE guest_documents (
    invitation_id UUID NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('nda', 'certificate_of_insurance', 'photo_id')),
    content_type  TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    content       BYTEA NOT NULL,
    received_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (invitation_id, kind)
);
