-- Kiosks report printed badges too.
ALTER TABLE kiosk_events DROP CONSTRAINT kiosk_events_kind_check;
ALTER TABLE kiosk_events ADD CONSTRAINT kiosk_events_kind_check
    CHECK (kind IN ('check_in', 'check_out', 'badge_printed'));
