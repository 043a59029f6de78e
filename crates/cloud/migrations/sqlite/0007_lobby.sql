-- Reception handles what the kiosks flagged (a check-in against an invitation rejected or
-- cancelled meanwhile): who took care of it, and when.
ALTER TABLE kiosk_events ADD COLUMN handled_at TEXT;
ALTER TABLE kiosk_events ADD COLUMN handled_by BLOB REFERENCES users (id) ON DELETE SET NULL;
