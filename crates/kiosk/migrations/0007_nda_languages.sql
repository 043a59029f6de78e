-- The facility's NDA in each language it publishes: visitors read and sign the one of theirs.
-- Filled again by the next pull.
DROP TABLE nda;
CREATE TABLE nda (
    language TEXT PRIMARY KEY NOT NULL,
    version  INTEGER NOT NULL,
    text     TEXT NOT NULL,
    sha256   TEXT NOT NULL
);
