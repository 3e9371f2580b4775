-- Operator overrides of feature flags; defaults live in configuration.
CREATE TABLE feature_flags (
    name       text PRIMARY KEY,
    enabled    boolean NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL
);

-- Values every node must agree on, such as keys generated on first start.
CREATE TABLE settings (
    key        text PRIMARY KEY,
    value      bytea NOT NULL,
    created_at timestamptz NOT NULL
);
