-- Until when each connected system's door-event log has been read by the backfill (the poll
-- that catches the scans its webhooks missed); set up again, it is read afresh.
-- The door mapping is now {door: [{"id": …, "type": …}, …]}: a door and the door groups that open it.
ALTER TABLE connectors ADD COLUMN events_read_until TIMESTAMPTZ;
