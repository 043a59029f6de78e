-- The cloud refused this kiosk's device token (revoked in the portal): the screen stays locked,
-- and the copy of the invitations is gone.
CREATE TABLE revoked (
    only INTEGER PRIMARY KEY CHECK (only = 1),
    at   TEXT NOT NULL
);
