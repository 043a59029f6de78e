-- A walk-in's invitation waits for its host (or reception) to say they are expected before it is
-- approved or sent on for approval; a category may admit walk-ins without that confirmation.
ALTER TABLE invitations ADD COLUMN awaiting_host BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE categories ADD COLUMN walk_ins_unconfirmed BOOLEAN NOT NULL DEFAULT FALSE;
