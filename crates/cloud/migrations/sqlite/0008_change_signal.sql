-- SQLite serves one cloud process: it watches its own change counter (invitations.changed_in)
-- instead of PostgreSQL's LISTEN/NOTIFY. Nothing to change here; kept so both databases count
-- their migrations alike.
SELECT 1;
