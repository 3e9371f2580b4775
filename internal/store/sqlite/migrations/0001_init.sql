-- Operator overrides of feature flags; defaults live in configuration.
CREATE TABLE feature_flags (
    name       TEXT PRIMARY KEY,
    enabled    INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    updated_at TEXT NOT NULL, -- RFC 3339, UTC
    updated_by TEXT NOT NULL
) STRICT;

-- Values every node must agree on, such as keys generated on first start.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      BLOB NOT NULL,
    created_at TEXT NOT NULL -- RFC 3339, UTC
) STRICT;
