-- Staff at this kiosk: the PINs of the people who admit visitors, as the cloud last sent them
-- (with the ETag to ask whether they changed), each person's wrong tries (kept across a restart,
-- so turning the tablet off and on does not end a lockout), and what staff did here, kept until
-- the cloud has it.
CREATE TABLE staff (
    only INTEGER PRIMARY KEY CHECK (only = 1),
    etag TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE staff_tries (
    email        TEXT PRIMARY KEY NOT NULL,
    failures     INTEGER NOT NULL,
    last_failure TEXT
);
CREATE TABLE staff_history (
    id   TEXT PRIMARY KEY NOT NULL,  -- the entry's UUIDv7, also its order
    body TEXT NOT NULL               -- the StaffEntry as JSON
);
