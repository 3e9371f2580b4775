-- The feed's own state: learners' topic preferences and profile resets, the
-- hourly trending buckets rolled up from the event log, and model snapshots.

-- A learner's choice about a topic: muted topics never appear in their feed,
-- boosted ones count more.
CREATE TABLE feed_topic_prefs (
    user_id    text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    topic      text COLLATE "C" NOT NULL,
    pref       text NOT NULL CHECK (pref IN ('mute', 'boost')),
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, topic)
);

-- A learner's last profile reset: events up to after_seq no longer shape their
-- feed (they still keep seen items out of it).
CREATE TABLE feed_resets (
    user_id   text COLLATE "C" PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    reset_at  timestamptz NOT NULL,
    after_seq bigint NOT NULL
);

-- The learner's affinities at their last reset, in the normalised form of
-- user_affinities: the feed reads the difference, so interests count from zero
-- again while ingestion's aggregates stay equal to a recomputation of the log.
CREATE TABLE feed_affinity_baselines (
    user_id text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind    text NOT NULL,
    key     text COLLATE "C" NOT NULL,
    score   double precision NOT NULL,
    PRIMARY KEY (user_id, kind, key)
);

-- Engagement per item and hour of the events' own time, rolled up from the log.
CREATE TABLE feed_trending (
    item_id     text COLLATE "C" NOT NULL,
    hour        timestamptz NOT NULL, -- the start of the hour
    views       bigint NOT NULL DEFAULT 0,
    completions bigint NOT NULL DEFAULT 0,
    likes       bigint NOT NULL DEFAULT 0,
    saves       bigint NOT NULL DEFAULT 0,
    shares      bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (item_id, hour)
);

CREATE INDEX feed_trending_hour_idx ON feed_trending (hour);

-- How far each roll-up has read the log, by received_at.
CREATE TABLE feed_rollups (
    name       text PRIMARY KEY,
    done_until timestamptz NOT NULL
);

-- The roll-up reads the events received in a span of time.
CREATE INDEX events_received_idx ON events (received_at);

-- Trained model snapshots, newest version last; every node loads the newest.
CREATE TABLE feed_snapshots (
    version    bigserial PRIMARY KEY,
    format     integer NOT NULL, -- the encoding's version
    built_at   timestamptz NOT NULL, -- the data it was trained on ends here
    created_at timestamptz NOT NULL,
    stats      jsonb NOT NULL DEFAULT '{}',
    data       bytea NOT NULL
);
