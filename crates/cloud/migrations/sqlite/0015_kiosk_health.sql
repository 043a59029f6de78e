-- What the Kiosks page shows of each enrolled kiosk: when it last called, and how many reports
-- it said were waiting to be sent.
ALTER TABLE kiosks ADD COLUMN last_seen_at TEXT;
ALTER TABLE kiosks ADD COLUMN outbox_waiting INTEGER;
