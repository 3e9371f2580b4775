-- The feed's own state: learners' topic preferences and profile resets, the
-- hourly trending buckets rolled up from the event log, and model snapshots.
-- Times are RFC 3339 text in UTC with a fixed-width fraction, as in 0002.

-- A learner's choice about a topic: muted topics never appear in their feed,
-- boosted ones count more.
CREATE TABLE feed_topic_prefs (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    topic      TEXT NOT NULL,
    pref       TEXT NOT NULL CHECK (pref IN ('mute', 'boost')),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, topic)
) STRICT, WITHOUT ROWID;

-- A learner's last profile reset: events up to after_seq no longer shape their
-- feed (they still keep seen items out of it).
CREATE TABLE feed_resets (
    user_id   TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    reset_at  TEXT NOT NULL,
    after_seq INTEGER NOT NULL
) STRICT;

-- The learner's affinities at their last reset, in the normalised form of
-- user_affinities: the feed reads the difference, so interests count from zero
-- again while ingestion's aggregates stay equal to a recomputation of the log.
CREATE TABLE feed_affinity_baselines (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    key     TEXT NOT NULL,
    score   REAL NOT NULL,
    PRIMARY KEY (user_id, kind, key)
) STRICT, WITHOUT ROWID;

-- Engagement per item and hour of the events' own time, rolled up from the log.
CREATE TABLE feed_trending (
    item_id     TEXT NOT NULL,
    hour        TEXT NOT NULL, -- the start of the hour
    views       INTEGER NOT NULL DEFAULT 0,
    completions INTEGER NOT NULL DEFAULT 0,
    likes       INTEGER NOT NULL DEFAULT 0,
    saves       INTEGER NOT NULL DEFAULT 0,
    shares      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (item_id, hour)
) STRICT, WITHOUT ROWID;

CREATE INDEX feed_trending_hour_idx ON feed_trending (hour);

-- How far each roll-up has read the log, by received_at.
CREATE TABLE feed_rollups (
    name       TEXT PRIMARY KEY,
    done_until TEXT NOT NULL
) STRICT;

-- The roll-up reads the events received in a span of time.
CREATE INDEX events_received_idx ON events (received_at);

-- Trained model snapshots, newest version last; every node loads the newest.
CREATE TABLE feed_snapshots (
    version    INTEGER PRIMARY KEY AUTOINCREMENT,
    format     INTEGER NOT NULL, -- the encoding's version
    built_at   TEXT NOT NULL,    -- the data it was trained on ends here
    created_at TEXT NOT NULL,
    stats      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(stats)),
    data       BLOB NOT NULL
) STRICT;
