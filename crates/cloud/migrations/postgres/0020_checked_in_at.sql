-- When the visitor last checked in (at a kiosk, or admitted by reception): the muster list says
-- since when each person on site is inside.
ALTER TABLE invitations ADD COLUMN checked_in_at TIMESTAMPTZ;
