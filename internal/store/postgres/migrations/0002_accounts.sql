-- Accounts.
-- IDs compare as bytes (COLLATE "C"), as on SQLite, so keyset pages follow ID
-- order whatever the database's locale.
CREATE TABLE users (
    id                     text COLLATE "C" PRIMARY KEY,
    email                  text NOT NULL, -- normalised by the service: trimmed, lower case
    username               text NOT NULL,
    password_hash          text NOT NULL,
    role                   text NOT NULL,
    disabled               boolean NOT NULL DEFAULT false,
    -- Access tokens carry the version they were issued at; bumping it revokes them.
    token_version          bigint NOT NULL DEFAULT 0,
    display_name           text NOT NULL DEFAULT '',
    bio                    text NOT NULL DEFAULT '',
    avatar_media_id        text NOT NULL DEFAULT '',
    language               text NOT NULL DEFAULT '',
    birth_year             integer NOT NULL DEFAULT 0,
    break_reminder_minutes integer NOT NULL DEFAULT 0,
    daily_limit_minutes    integer NOT NULL DEFAULT 0,
    created_at             timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL,
    -- The store tells a taken email from a taken username by these names.
    CONSTRAINT users_email_key UNIQUE (email)
);

CREATE UNIQUE INDEX users_username_key ON users (lower(username));

-- One sign-in on one device: the chain of refresh tokens since login.
CREATE TABLE auth_families (
    id           text PRIMARY KEY,
    user_id      text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_agent   text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz NOT NULL,
    revoked_at   timestamptz
);

CREATE INDEX auth_families_user_idx ON auth_families (user_id, created_at);

-- Only the SHA-256 of a refresh token is kept; lookups are by that hash.
CREATE TABLE refresh_tokens (
    id         text PRIMARY KEY,
    family_id  text NOT NULL REFERENCES auth_families (id) ON DELETE CASCADE,
    user_id    text NOT NULL,
    hash       bytea NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    rotated_at timestamptz, -- set when exchanged for its successor
    CONSTRAINT refresh_tokens_hash_key UNIQUE (hash)
);

CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_expires_idx ON refresh_tokens (expires_at);

-- Administrative actions. No foreign keys: entries outlive the users they name.
CREATE TABLE audit_log (
    id        text COLLATE "C" PRIMARY KEY, -- time-sortable, so ID order is time order
    at        timestamptz NOT NULL,
    actor_id  text NOT NULL,
    action    text NOT NULL,
    target_id text NOT NULL DEFAULT '',
    details   jsonb NOT NULL DEFAULT '{}'
);

CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id);
CREATE INDEX audit_log_target_idx ON audit_log (target_id, id);
