-- Finding a visitor by the code they hold up (their invitation, later their badge), and the NDA
-- they are asked to sign.

ALTER TABLE invitations ADD COLUMN token TEXT GENERATED ALWAYS AS (json_extract(body, '$.token')) VIRTUAL;
CREATE INDEX invitations_by_token ON invitations (token);

CREATE TABLE nda (
    only    INTEGER PRIMARY KEY CHECK (only = 1),    -- the facility's current text
    version INTEGER NOT NULL,
    text    TEXT NOT NULL,
    sha256  TEXT NOT NULL
);
