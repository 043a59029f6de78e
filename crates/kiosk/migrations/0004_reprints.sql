-- Badges reprinted at this kiosk, one row each: a visitor may reprint their own a few times a
-- visit, then reception hands out the next.
CREATE TABLE reprints (
    invitation TEXT NOT NULL,
    at         TEXT NOT NULL
);
CREATE INDEX reprints_by_invitation ON reprints (invitation);
