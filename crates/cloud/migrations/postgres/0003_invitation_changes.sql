-- Which transaction last changed each invitation, so kiosks can pull what changed since they
-- last asked. Transactions commit out of order; a reader only takes changes older than the
-- oldest transaction still running (pg_snapshot_xmin), so none is ever skipped.
ALTER TABLE invitations ADD COLUMN changed_in xid8 NOT NULL DEFAULT pg_current_xact_id();

CREATE FUNCTION invitation_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.changed_in := pg_current_xact_id();
    RETURN NEW;
END
$$;

CREATE TRIGGER invitation_changed BEFORE UPDATE ON invitations
    FOR EACH ROW EXECUTE FUNCTION invitation_changed();

CREATE INDEX invitations_by_change ON invitations (facility_id, changed_in, id);
