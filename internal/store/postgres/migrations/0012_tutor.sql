-- The tutor: conversations and their messages, daily usage per learner, the
-- answers of deterministic prompts, and the catalogue's AI tags.

CREATE TABLE tutor_conversations (
    id              text COLLATE "C" PRIMARY KEY,
    user_id         text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    content_id      text COLLATE "C" NOT NULL DEFAULT '',
    series_id       text COLLATE "C" NOT NULL DEFAULT '',
    title           text NOT NULL DEFAULT '',
    summary         text NOT NULL DEFAULT '',
    summary_through text COLLATE "C" NOT NULL DEFAULT '', -- the last message the summary covers
    messages        integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);

CREATE INDEX tutor_conversations_user ON tutor_conversations (user_id, id);

-- Images are media IDs, never bytes; sources are the catalogue items an answer
-- cites. Cost is in millionths of a US dollar.
CREATE TABLE tutor_messages (
    id              text COLLATE "C" PRIMARY KEY,
    conversation_id text COLLATE "C" NOT NULL REFERENCES tutor_conversations (id) ON DELETE CASCADE,
    user_id         text COLLATE "C" NOT NULL,
    role            text NOT NULL CHECK (role IN ('user', 'tutor')),
    text            text NOT NULL,
    media_ids       jsonb NOT NULL DEFAULT '[]',
    input_tokens    integer NOT NULL DEFAULT 0,
    output_tokens   integer NOT NULL DEFAULT 0,
    cost_micros     bigint NOT NULL DEFAULT 0,
    provider        text NOT NULL DEFAULT '',
    model           text NOT NULL DEFAULT '',
    latency_ms      bigint NOT NULL DEFAULT 0,
    status          text NOT NULL CHECK (status IN ('complete', 'partial', 'error')),
    degraded        boolean NOT NULL DEFAULT false,
    sources         jsonb NOT NULL DEFAULT '[]',
    created_at      timestamptz NOT NULL
);

CREATE INDEX tutor_messages_conversation ON tutor_messages (conversation_id, id);

-- What a learner spent on a UTC day. Kept apart from messages, so deleting a
-- conversation does not give the day's quota back.
CREATE TABLE tutor_usage (
    user_id     text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day         date NOT NULL,
    tokens      bigint NOT NULL DEFAULT 0,
    cost_micros bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, day)
);

CREATE INDEX tutor_usage_day ON tutor_usage (day);

-- Answers of deterministic prompts (tagging, summaries) by a hash of the
-- request: the same prompt is not paid for twice.
CREATE TABLE tutor_cache (
    key        text COLLATE "C" PRIMARY KEY,
    answer     text NOT NULL,
    created_at timestamptz NOT NULL
);

-- What a model (or the TF-IDF fallback) says about an item, beside the
-- creator's own fields. content_hash is of the texts tagged.
CREATE TABLE tutor_item_tags (
    item_id      text COLLATE "C" PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
    content_hash text NOT NULL,
    topics       jsonb NOT NULL DEFAULT '[]',
    difficulty   integer NOT NULL DEFAULT 0,
    summary      text NOT NULL DEFAULT '',
    quiz         jsonb NOT NULL DEFAULT '[]',
    method       text NOT NULL CHECK (method IN ('model', 'tfidf')),
    provider     text NOT NULL DEFAULT '',
    model        text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL
);
