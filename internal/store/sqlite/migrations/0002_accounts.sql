-- Accounts. Times are RFC 3339 text in UTC with a fixed-width fraction, so text
-- order is time order.
CREATE TABLE users (
    id                     TEXT PRIMARY KEY,
    email                  TEXT NOT NULL, -- normalised by the service: trimmed, lower case
    username               TEXT NOT NULL,
    password_hash          TEXT NOT NULL,
    role                   TEXT NOT NULL,
    disabled               INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    -- Access tokens carry the version they were issued at; bumping it revokes them.
    token_version          INTEGER NOT NULL DEFAULT 0,
    display_name           TEXT NOT NULL DEFAULT '',
    bio                    TEXT NOT NULL DEFAULT '',
    avatar_media_id        TEXT NOT NULL DEFAULT '',
    language               TEXT NOT NULL DEFAULT '',
    birth_year             INTEGER NOT NULL DEFAULT 0,
    break_reminder_minutes INTEGER NOT NULL DEFAULT 0,
    daily_limit_minutes    INTEGER NOT NULL DEFAULT 0,
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL
) STRICT;

-- The store tells a taken email from a taken username by these names.
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));

-- One sign-in on one device: the chain of refresh tokens since login.
CREATE TABLE auth_families (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_agent   TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    last_used_at TEXT NOT NULL,
    revoked_at   TEXT
) STRICT;

CREATE INDEX auth_families_user_idx ON auth_families (user_id, created_at);

-- Only the SHA-256 of a refresh token is kept; lookups are by that hash.
CREATE TABLE refresh_tokens (
    id         TEXT PRIMARY KEY,
    family_id  TEXT NOT NULL REFERENCES auth_families (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL,
    hash       BLOB NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    rotated_at TEXT -- set when exchanged for its successor
) STRICT;

CREATE UNIQUE INDEX refresh_tokens_hash_key ON refresh_tokens (hash);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_expires_idx ON refresh_tokens (expires_at);

-- Administrative actions. No foreign keys: entries outlive the users they name.
CREATE TABLE audit_log (
    id        TEXT PRIMARY KEY, -- time-sortable, so ID order is time order
    at        TEXT NOT NULL,
    actor_id  TEXT NOT NULL,
    action    TEXT NOT NULL,
    target_id TEXT NOT NULL DEFAULT '',
    details   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
) STRICT;

CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id);
CREATE INDEX audit_log_target_idx ON audit_log (target_id, id);
