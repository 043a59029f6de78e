-- The order in which invitations last changed, so kiosks can pull what changed since they last
-- asked. SQLite has one writer at a time, so a counter taken inside the write is also the order
-- in which the changes commit.
ALTER TABLE invitations ADD COLUMN changed_in INTEGER NOT NULL DEFAULT 0;

CREATE INDEX invitations_by_change ON invitations (facility_id, changed_in, id);
CREATE INDEX invitations_last_change ON invitations (changed_in);

CREATE TRIGGER invitation_created AFTER INSERT ON invitations
BEGIN
    UPDATE invitations SET changed_in = (SELECT MAX(changed_in) + 1 FROM invitations)
    WHERE id = NEW.id;
END;

CREATE TRIGGER invitation_changed AFTER UPDATE OF
    facility_id, occupancy_id, host_id, category, visitor_name, visitor_email, visitor_company,
    starts_at, ends_at, approval_status, visit_status
ON invitations
BEGIN
    UPDATE invitations SET changed_in = (SELECT MAX(changed_in) + 1 FROM invitations)
    WHERE id = NEW.id;
END;
