-- Each facility's zones, doors and rooms (a JSON `ZoneMap`): every change a new numbered
-- version, kept with who made it and when — the zone map's history.
CREATE TABLE zone_maps (
    facility_id UUID NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    version     BIGINT NOT NULL,
    body        TEXT NOT NULL,
    changed_by  UUID REFERENCES users (id) ON DELETE SET NULL,
    changed_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (facility_id, version)
);
