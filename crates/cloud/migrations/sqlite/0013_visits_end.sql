-- Visits end: one not checked out by the end of its window plus the site's grace is closed by
-- the cloud (checked in → expired; approved and never came → no_show).
ALTER TABLE facilities ADD COLUMN visit_grace_minutes INTEGER NOT NULL DEFAULT 60;
CREATE INDEX invitations_open_by_end ON invitations (facility_id, ends_at)
    WHERE visit_status IN ('expected', 'checked_in');
