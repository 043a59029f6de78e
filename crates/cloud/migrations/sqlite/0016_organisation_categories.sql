-- Each organisation (occupancy) chooses its own visitor categories over the facility's defaults:
-- whether its people may invite in one, whether that needs approval, who of it is told. The
-- facility's categories table keeps the defaults and the building's access profile.
CREATE TABLE occupancy_categories (
    occupancy_id   BLOB NOT NULL REFERENCES occupancies (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    enabled        BOOLEAN NOT NULL,
    needs_approval BOOLEAN NOT NULL,
    email          TEXT,
    PRIMARY KEY (occupancy_id, kind)
);

-- The organisation's own visitor-security addresses (a JSON list), told of every invitation of
-- it that needs approval, beside the building's security address.
ALTER TABLE occupancies ADD COLUMN security_emails TEXT NOT NULL DEFAULT '[]';
