-- A person can be deactivated: they can no longer sign in, their sessions and API tokens are
-- deleted with it, and they leave the directories (their history stays).
ALTER TABLE users ADD COLUMN deactivated_at TIMESTAMPTZ;
