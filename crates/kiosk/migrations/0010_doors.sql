-- What the building's doors know of this facility, as the cloud last sent it (with the ETag to
-- ask whether it changed): each of today's visits' access in the building's system and the last
-- door that saw each person inside; and when the cloud last answered, so reception and the
-- muster list can say how old it is.
CREATE TABLE doors (
    only      INTEGER PRIMARY KEY CHECK (only = 1),
    etag      TEXT NOT NULL,
    body      TEXT NOT NULL,
    synced_at TEXT NOT NULL
);
