-- The tutor: conversations and their messages, daily usage per learner, the
-- answers of deterministic prompts, and the catalogue's AI tags. Times are
-- RFC 3339 text in UTC with a fixed-width fraction, as in 0002.

CREATE TABLE tutor_conversations (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    content_id      TEXT NOT NULL DEFAULT '',
    series_id       TEXT NOT NULL DEFAULT '',
    title           TEXT NOT NULL DEFAULT '',
    summary         TEXT NOT NULL DEFAULT '',
    summary_through TEXT NOT NULL DEFAULT '', -- the last message the summary covers
    messages        INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;

CREATE INDEX tutor_conversations_user ON tutor_conversations (user_id, id);

-- Images are media IDs, never bytes; sources are the catalogue items an answer
-- cites (JSON). Cost is in millionths of a US dollar.
CREATE TABLE tutor_messages (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES tutor_conversations (id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('user', 'tutor')),
    text            TEXT NOT NULL,
    media_ids       TEXT NOT NULL DEFAULT '[]',
    input_tokens    INTEGER NOT NULL DEFAULT 0,
    output_tokens   INTEGER NOT NULL DEFAULT 0,
    cost_micros     INTEGER NOT NULL DEFAULT 0,
    provider        TEXT NOT NULL DEFAULT '',
    model           TEXT NOT NULL DEFAULT '',
    latency_ms      INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL CHECK (status IN ('complete', 'partial', 'error')),
    degraded        INTEGER NOT NULL DEFAULT 0,
    sources         TEXT NOT NULL DEFAULT '[]',
    created_at      TEXT NOT NULL
) STRICT;

CREATE INDEX tutor_messages_conversation ON tutor_messages (conversation_id, id);

-- What a learner spent on a UTC day. Kept apart from messages, so deleting a
-- conversation does not give the day's quota back.
CREATE TABLE tutor_usage (
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day         TEXT NOT NULL,
    tokens      INTEGER NOT NULL DEFAULT 0,
    cost_micros INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, day)
) STRICT, WITHOUT ROWID;

CREATE INDEX tutor_usage_day ON tutor_usage (day);

-- Answers of deterministic prompts (tagging, summaries) by a hash of the
-- request: the same prompt is not paid for twice.
CREATE TABLE tutor_cache (
    key        TEXT PRIMARY KEY,
    answer     TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- What a model (or the TF-IDF fallback) says about an item, beside the
-- creator's own fields. content_hash is of the texts tagged.
CREATE TABLE tutor_item_tags (
    item_id      TEXT PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
    content_hash TEXT NOT NULL,
    topics       TEXT NOT NULL DEFAULT '[]',
    difficulty   INTEGER NOT NULL DEFAULT 0,
    summary      TEXT NOT NULL DEFAULT '',
    quiz         TEXT NOT NULL DEFAULT '[]',
    method       TEXT NOT NULL CHECK (method IN ('model', 'tfidf')),
    provider     TEXT NOT NULL DEFAULT '',
    model        TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
) STRICT;

-- The full-text index's vocabulary: in how many published items each term
-- appears, the document frequencies the TF-IDF fallback of tagging reads.
CREATE VIRTUAL TABLE items_fts_vocab USING fts5vocab (items_fts, 'row');
