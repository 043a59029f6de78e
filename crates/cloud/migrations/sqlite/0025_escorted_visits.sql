-- The host escorts the visitor: the zones their type enters only with an escort are on the
-- visit's credential too, marked on the badge.
ALTER TABLE invitations ADD COLUMN escorted BOOLEAN NOT NULL DEFAULT FALSE;
