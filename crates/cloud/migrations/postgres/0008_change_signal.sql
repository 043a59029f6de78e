-- Tell every cloud process listening (LISTEN gatehouse_invitation_changes) which facility's
-- invitations changed; delivered when the writing transaction commits, so kiosks can pull at once.
CREATE FUNCTION signal_invitation_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('gatehouse_invitation_changes', NEW.facility_id::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER invitation_change_signal AFTER INSERT OR UPDATE ON invitations
    FOR EACH ROW EXECUTE FUNCTION signal_invitation_change();
