-- Each invitation's door credential, found by the badge's QR code (check-out by badge), and the
-- cloud's public keys, with which the kiosk verifies a credential offline.
ALTER TABLE invitations ADD COLUMN credential TEXT
    GENERATED ALWAYS AS (json_extract(body, '$.credential.token')) VIRTUAL;
CREATE INDEX invitations_by_credential ON invitations (credential);

CREATE TABLE credential_keys (
    kid INTEGER PRIMARY KEY NOT NULL,
    key BLOB NOT NULL -- the Ed25519 public key, 32 bytes
);
