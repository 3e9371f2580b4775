-- Interaction events and the aggregates kept from them.
-- IDs compare as bytes (COLLATE "C"), as on SQLite.

-- The raw log, one row per accepted event. seq is ingestion order within a
-- transaction; concurrent transactions may commit out of seq order. No foreign key
-- on item_id: an item may be deleted later, and the log is kept.
CREATE TABLE events (
    seq         bigserial PRIMARY KEY,
    user_id     text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id   text COLLATE "C" NOT NULL, -- the client's event ID, unique per learner
    type        text NOT NULL,
    item_id     text COLLATE "C" NOT NULL,
    at          timestamptz NOT NULL, -- when it happened, by the client's account
    received_at timestamptz NOT NULL,
    session_id  text COLLATE "C" NOT NULL DEFAULT '',
    watch_ms    bigint NOT NULL DEFAULT 0,
    position    integer NOT NULL DEFAULT 0,
    answer      text NOT NULL DEFAULT '',
    correct     boolean, -- quiz answers only
    CONSTRAINT events_user_client_key UNIQUE (user_id, client_id)
);

-- A learner's log in seq order.
CREATE INDEX events_user_seq_idx ON events (user_id, seq);

-- Per-item totals, moved by additive increments so that nodes ingesting at once
-- never lose an update. Likes and saves count learners who like or save the item
-- now; the rest count events.
CREATE TABLE item_stats (
    item_id      text COLLATE "C" PRIMARY KEY,
    impressions  bigint NOT NULL DEFAULT 0,
    views        bigint NOT NULL DEFAULT 0,
    completions  bigint NOT NULL DEFAULT 0,
    likes        bigint NOT NULL DEFAULT 0,
    saves        bigint NOT NULL DEFAULT 0,
    shares       bigint NOT NULL DEFAULT 0,
    skips        bigint NOT NULL DEFAULT 0,
    hides        bigint NOT NULL DEFAULT 0,
    quiz_answers bigint NOT NULL DEFAULT 0,
    quiz_correct bigint NOT NULL DEFAULT 0,
    watch_ms     bigint NOT NULL DEFAULT 0
);

-- One learner's state for one item.
CREATE TABLE user_items (
    user_id     text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    item_id     text COLLATE "C" NOT NULL,
    first_at    timestamptz NOT NULL,
    last_at     timestamptz NOT NULL,
    impressions bigint NOT NULL DEFAULT 0,
    views       bigint NOT NULL DEFAULT 0,
    watch_ms    bigint NOT NULL DEFAULT 0,
    completed   boolean NOT NULL DEFAULT false,
    liked       boolean NOT NULL DEFAULT false,
    saved       boolean NOT NULL DEFAULT false,
    PRIMARY KEY (user_id, item_id)
);

-- Time-decayed interest in topics and creators, in normalised form (see package
-- events), so that an event adds to the score whenever it is ingested.
CREATE TABLE user_affinities (
    user_id text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind    text NOT NULL CHECK (kind IN ('topic', 'creator')),
    key     text COLLATE "C" NOT NULL, -- topic slug or creator ID
    score   double precision NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, kind, key)
);
