-- The non-disclosure agreement each facility's visitors sign at the kiosk. A new text is a new
-- version; old versions stay, because signed PDFs name the version and its SHA-256.
CREATE TABLE nda_templates (
    facility_id  UUID NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    version      BIGINT NOT NULL CHECK (version > 0),
    text         TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    published_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (facility_id, version)
);
