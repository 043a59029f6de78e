-- Every door scan the building reports: from Gatehouse's own door check, an access-control
-- system's connector, or a system posting them itself. Each is kept as received (`raw`) and
-- once only: the system's own event id is unique per facility and source, so a redelivered or
-- replayed event changes nothing. The visit is filled in when the scan could be tied to one;
-- scans of the building's own people keep who the system named.
CREATE TABLE door_events (
    id              BLOB PRIMARY KEY NOT NULL,
    facility_id     BLOB NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    source          TEXT NOT NULL,  -- gatehouse, api, webhook, unifi, verkada
    source_event_id TEXT NOT NULL,
    invitation_id   BLOB REFERENCES invitations (id) ON DELETE SET NULL,
    person          TEXT,           -- who the system named, for its own people
    door            TEXT NOT NULL,  -- the door's name in the zone map, or as the system named it
    zone_id         TEXT,           -- the door's zone, if the zone map knows the door
    granted         BOOLEAN NOT NULL,
    direction       TEXT CHECK (direction IN ('in', 'out')),
    happened_at     TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    raw             TEXT NOT NULL
);
CREATE UNIQUE INDEX door_events_once ON door_events (facility_id, source, source_event_id);
CREATE INDEX door_events_of_visit ON door_events (invitation_id, happened_at);
CREATE INDEX door_events_of_person ON door_events (facility_id, person, happened_at);

-- Each holder's newest scan (a visit's, or one of the building's own people's), kept as scans
-- are stored, so that the muster list reads one row per person inside however many scans the
-- building has kept.
CREATE TABLE last_scans (
    facility_id   BLOB NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    holder        TEXT NOT NULL, -- visit:<invitation id> or person:<name>
    invitation_id BLOB REFERENCES invitations (id) ON DELETE CASCADE,
    person        TEXT,
    door          TEXT NOT NULL,
    zone_id       TEXT,
    granted       BOOLEAN NOT NULL,
    direction     TEXT,
    happened_at   TEXT NOT NULL,
    source        TEXT NOT NULL,
    PRIMARY KEY (facility_id, holder)
);
CREATE INDEX last_scans_of_people ON last_scans (facility_id, happened_at) WHERE person IS NOT NULL;
CREATE INDEX last_scans_of_visit ON last_scans (invitation_id);
