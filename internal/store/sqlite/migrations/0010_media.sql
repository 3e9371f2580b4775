-- Media: uploaded files, their processing state and variants. The objects
-- themselves live in object storage under keys that start with the media id.
-- Times are RFC 3339 text in UTC with a fixed-width fraction, as in 0002.
CREATE TABLE media (
    id           TEXT PRIMARY KEY,
    owner_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    status       TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    visibility   TEXT NOT NULL,
    provider     TEXT NOT NULL,
    format       TEXT NOT NULL,
    content_type TEXT NOT NULL,
    bytes        INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    width        INTEGER NOT NULL DEFAULT 0,
    height       INTEGER NOT NULL DEFAULT 0,
    frames       INTEGER NOT NULL DEFAULT 0,
    duration_ms  INTEGER NOT NULL DEFAULT 0,
    original_key TEXT NOT NULL,
    variants     TEXT NOT NULL DEFAULT '[]', -- JSON array, smallest first
    placeholder  TEXT NOT NULL DEFAULT '',
    dominant     TEXT NOT NULL DEFAULT '',
    run          INTEGER NOT NULL DEFAULT 1,
    presets      TEXT NOT NULL DEFAULT '[]', -- JSON array of preset names
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;

CREATE INDEX media_owner_idx ON media (owner_id, id);

-- Direct uploads in progress: presigned requests handed out, not yet completed.
-- The upload's id becomes its media's id; key is where the client's bytes land.
CREATE TABLE media_uploads (
    id           TEXT PRIMARY KEY,
    owner_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider     TEXT NOT NULL,
    key          TEXT NOT NULL,
    multipart_id TEXT NOT NULL DEFAULT '', -- '' for a single PUT
    size         INTEGER NOT NULL,
    part_size    INTEGER NOT NULL DEFAULT 0,
    content_type TEXT NOT NULL,
    visibility   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    created_at   TEXT NOT NULL
) STRICT;

CREATE INDEX media_uploads_expiry_idx ON media_uploads (expires_at);
