-- The people a visitor without an invitation may ask for and the categories they may choose, as
-- the cloud last sent them, with the ETag to ask whether they changed.
CREATE TABLE directory (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    etag TEXT NOT NULL,
    body TEXT NOT NULL
);
