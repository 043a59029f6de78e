-- Staff at the kiosks: each person's own kiosk PIN (argon2id PHC string; NULL: none set), the
-- sessions they signed in to at a kiosk (they end with the kiosk), and what each kiosk saw them
-- do, each line once under the kiosk's own id (UUIDv7).
ALTER TABLE users ADD COLUMN kiosk_pin_hash TEXT;
ALTER TABLE access_tokens ADD COLUMN kiosk_id UUID REFERENCES kiosks (id) ON DELETE CASCADE;
CREATE TABLE kiosk_staff_history (
    id            UUID PRIMARY KEY,
    kiosk_id      UUID NOT NULL REFERENCES kiosks (id) ON DELETE CASCADE,
    email         TEXT NOT NULL,              -- as typed: a failure may name nobody who exists
    user_id       UUID REFERENCES users (id) ON DELETE SET NULL,
    event         TEXT NOT NULL,
    invitation_id UUID,
    happened_at   TIMESTAMPTZ NOT NULL,
    received_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX kiosk_staff_history_by_kiosk ON kiosk_staff_history (kiosk_id, happened_at);
