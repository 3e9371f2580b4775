-- Media: uploaded files, their processing state and variants. The objects
-- themselves live in object storage under keys that start with the media id.
CREATE TABLE media (
    id           text COLLATE "C" PRIMARY KEY,
    owner_id     text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         text NOT NULL,
    status       text NOT NULL,
    reason       text NOT NULL DEFAULT '',
    visibility   text NOT NULL,
    provider     text NOT NULL,
    format       text NOT NULL,
    content_type text NOT NULL,
    bytes        bigint NOT NULL,
    sha256       text NOT NULL,
    width        integer NOT NULL DEFAULT 0,
    height       integer NOT NULL DEFAULT 0,
    frames       integer NOT NULL DEFAULT 0,
    duration_ms  bigint NOT NULL DEFAULT 0,
    original_key text NOT NULL,
    variants     jsonb NOT NULL DEFAULT '[]', -- smallest first
    placeholder  text NOT NULL DEFAULT '',
    dominant     text NOT NULL DEFAULT '',
    run          bigint NOT NULL DEFAULT 1,
    presets      jsonb NOT NULL DEFAULT '[]', -- preset names
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);

CREATE INDEX media_owner_idx ON media (owner_id, id);

-- Direct uploads in progress: presigned requests handed out, not yet completed.
-- The upload's id becomes its media's id; key is where the client's bytes land.
CREATE TABLE media_uploads (
    id           text COLLATE "C" PRIMARY KEY,
    owner_id     text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider     text NOT NULL,
    key          text NOT NULL,
    multipart_id text NOT NULL DEFAULT '', -- '' for a single PUT
    size         bigint NOT NULL,
    part_size    bigint NOT NULL DEFAULT 0,
    content_type text NOT NULL,
    visibility   text NOT NULL,
    expires_at   timestamptz NOT NULL,
    created_at   timestamptz NOT NULL
);

CREATE INDEX media_uploads_expiry_idx ON media_uploads (expires_at);
