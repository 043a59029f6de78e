-- Each facility's zones, doors and rooms (a JSON `ZoneMap`): every change a new numbered
-- version, kept with who made it and when — the zone map's history.
CREATE TABLE zone_maps (
    facility_id BLOB NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    body        TEXT NOT NULL,
    changed_by  BLOB REFERENCES users (id) ON DELETE SET NULL,
    changed_at  TEXT NOT NULL,
    PRIMARY KEY (facility_id, version)
);
