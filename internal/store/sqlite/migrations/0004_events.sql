-- Interaction events and the aggregates kept from them.

-- The raw log, one row per accepted event. seq is ingestion order and never reused
-- (AUTOINCREMENT), so a reader's "after seq" cursor stays valid across Forget. No
-- foreign key on item_id: an item may be deleted later, and the log is kept.
CREATE TABLE events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id   TEXT NOT NULL, -- the client's event ID, unique per learner
    type        TEXT NOT NULL,
    item_id     TEXT NOT NULL,
    at          TEXT NOT NULL, -- when it happened, by the client's account
    received_at TEXT NOT NULL,
    session_id  TEXT NOT NULL DEFAULT '',
    watch_ms    INTEGER NOT NULL DEFAULT 0,
    position    INTEGER NOT NULL DEFAULT 0,
    answer      TEXT NOT NULL DEFAULT '',
    correct     INTEGER CHECK (correct IN (0, 1)), -- quiz answers only
    UNIQUE (user_id, client_id)
) STRICT;

-- A learner's log in seq order (the index carries the rowid, which is seq).
CREATE INDEX events_user_idx ON events (user_id);

-- Per-item totals, moved by additive increments. Likes and saves count learners
-- who like or save the item now; the rest count events. WITHOUT ROWID: the key is
-- the only lookup, so the table is its own index.
CREATE TABLE item_stats (
    item_id      TEXT PRIMARY KEY,
    impressions  INTEGER NOT NULL DEFAULT 0,
    views        INTEGER NOT NULL DEFAULT 0,
    completions  INTEGER NOT NULL DEFAULT 0,
    likes        INTEGER NOT NULL DEFAULT 0,
    saves        INTEGER NOT NULL DEFAULT 0,
    shares       INTEGER NOT NULL DEFAULT 0,
    skips        INTEGER NOT NULL DEFAULT 0,
    hides        INTEGER NOT NULL DEFAULT 0,
    quiz_answers INTEGER NOT NULL DEFAULT 0,
    quiz_correct INTEGER NOT NULL DEFAULT 0,
    watch_ms     INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;

-- One learner's state for one item.
CREATE TABLE user_items (
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    item_id     TEXT NOT NULL,
    first_at    TEXT NOT NULL,
    last_at     TEXT NOT NULL,
    impressions INTEGER NOT NULL DEFAULT 0,
    views       INTEGER NOT NULL DEFAULT 0,
    watch_ms    INTEGER NOT NULL DEFAULT 0,
    completed   INTEGER NOT NULL DEFAULT 0 CHECK (completed IN (0, 1)),
    liked       INTEGER NOT NULL DEFAULT 0 CHECK (liked IN (0, 1)),
    saved       INTEGER NOT NULL DEFAULT 0 CHECK (saved IN (0, 1)),
    PRIMARY KEY (user_id, item_id)
) STRICT, WITHOUT ROWID;

-- Time-decayed interest in topics and creators, in normalised form (see package
-- events), so that an event adds to the score whenever it is ingested.
CREATE TABLE user_affinities (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind    TEXT NOT NULL CHECK (kind IN ('topic', 'creator')),
    key     TEXT NOT NULL, -- topic slug or creator ID
    score   REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, kind, key)
) STRICT, WITHOUT ROWID;
