-- A facility's access-control system: which one, where, its secrets (sealed under the cloud's
-- key secret, like the signing keys), and the door mapping — each Gatehouse door (by its name in
-- the zone map) to the system's door or door group, as JSON {door: {"id": …, "type": …}}.
CREATE TABLE connectors (
    facility_id    BLOB PRIMARY KEY REFERENCES facilities (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL CHECK (kind IN ('unifi', 'verkada', 'webhook')),
    base_url       TEXT NOT NULL,
    sealed_secret  BLOB NOT NULL,  -- the API token or key we call the system with
    sealed_webhook BLOB,           -- the secret the system signs its webhooks with
    door_mapping   TEXT NOT NULL DEFAULT '{}',
    updated_at     TEXT NOT NULL
);

-- The credential ledger: what each visit was given in the facility's system, so that it can be
-- revoked there, reconciled against what the system holds, and deleted when the visit's data is.
CREATE TABLE access_grants (
    invitation_id  BLOB NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    facility_id    BLOB NOT NULL REFERENCES facilities (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    vendor_id      TEXT,          -- the system's id of what it made (a UniFi visitor …)
    sealed_pin     BLOB,          -- the PIN the visitor types at its readers, sealed
    state          TEXT NOT NULL CHECK (state IN ('provisioning', 'provisioned', 'revoking', 'revoked')),
    last_error     TEXT,
    provisioned_at TEXT,
    revoked_at     TEXT,
    PRIMARY KEY (invitation_id, kind)
);
CREATE INDEX access_grants_by_state ON access_grants (facility_id, state);
CREATE INDEX access_grants_by_vendor_id ON access_grants (facility_id, vendor_id);
