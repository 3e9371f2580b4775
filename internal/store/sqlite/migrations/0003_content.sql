-- Content catalogue: items, topics, series, follows, blocks, hidden items, search.
-- Times are RFC 3339 text in UTC with a fixed-width fraction, as in 0002.

-- The taxonomy. A slug an item names is created on the fly, its name derived from it.
CREATE TABLE topics (
    slug   TEXT PRIMARY KEY,
    name   TEXT NOT NULL,
    parent TEXT NOT NULL DEFAULT '' -- a slug; '' at the top
) STRICT;

-- An ordered run of items; the order lives on the items (series_id, episode).
CREATE TABLE series (
    id          TEXT PRIMARY KEY,
    creator_id  TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE INDEX series_creator_idx ON series (creator_id, id);

CREATE TABLE items (
    -- The search index names rows by integer rowid. VACUUM may renumber the rowids
    -- of a table without an INTEGER PRIMARY KEY, which would point the index at the
    -- wrong items; seq makes the rowid stable. id is the key everything else uses.
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    creator_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL DEFAULT '',
    transcript   TEXT NOT NULL DEFAULT '',
    difficulty   INTEGER NOT NULL DEFAULT 0,
    language     TEXT NOT NULL DEFAULT '',
    duration_ms  INTEGER NOT NULL DEFAULT 0,
    series_id    TEXT REFERENCES series (id) ON DELETE SET NULL,
    episode      INTEGER NOT NULL DEFAULT 0, -- from 1 in a series; 0 outside one
    media_ids    TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(media_ids)),
    quiz         TEXT CHECK (json_valid(quiz)),
    status       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    published_at TEXT
) STRICT;

CREATE INDEX items_creator_idx ON items (creator_id, status, id);
CREATE INDEX items_series_idx ON items (series_id, episode);

CREATE TABLE item_topics (
    item_id    TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    topic_slug TEXT NOT NULL REFERENCES topics (slug),
    position   INTEGER NOT NULL, -- the item's order of its topics, from 0
    PRIMARY KEY (item_id, topic_slug)
) STRICT;

CREATE INDEX item_topics_topic_idx ON item_topics (topic_slug, item_id);

-- Full-text search over published items only: drafts and removed items are never in
-- the index. External content: the text stays in items and the index holds only
-- tokens; the triggers below keep it in step inside the writing transaction, so an
-- item is searchable as soon as its write commits. Never run the 'rebuild' command:
-- it would index every item, drafts included.
CREATE VIRTUAL TABLE items_fts USING fts5 (
    title, description, body, transcript,
    content = 'items',
    content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER items_fts_insert AFTER INSERT ON items WHEN new.status = 'published' BEGIN
    INSERT INTO items_fts (rowid, title, description, body, transcript)
    VALUES (new.seq, new.title, new.description, new.body, new.transcript);
END;

CREATE TRIGGER items_fts_delete AFTER DELETE ON items WHEN old.status = 'published' BEGIN
    INSERT INTO items_fts (items_fts, rowid, title, description, body, transcript)
    VALUES ('delete', old.seq, old.title, old.description, old.body, old.transcript);
END;

-- One trigger, so the old row always leaves the index before the new one enters.
CREATE TRIGGER items_fts_update AFTER UPDATE OF title, description, body, transcript, status ON items BEGIN
    INSERT INTO items_fts (items_fts, rowid, title, description, body, transcript)
    SELECT 'delete', old.seq, old.title, old.description, old.body, old.transcript
    WHERE old.status = 'published';
    INSERT INTO items_fts (rowid, title, description, body, transcript)
    SELECT new.seq, new.title, new.description, new.body, new.transcript
    WHERE new.status = 'published';
END;

-- A learner following a creator.
CREATE TABLE follows (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    creator_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, creator_id)
) STRICT;

CREATE INDEX follows_creator_idx ON follows (creator_id, created_at, user_id);
CREATE INDEX follows_user_idx ON follows (user_id, created_at, creator_id);

-- A learner keeping a creator out of their feed.
CREATE TABLE blocks (
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    creator_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, creator_id)
) STRICT;

CREATE INDEX blocks_creator_idx ON blocks (creator_id, created_at, user_id);

-- Items a learner hid from their feed. Hide events (the events store) add rows;
-- the learner lists and removes them through the catalogue.
CREATE TABLE hidden_items (
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    item_id   TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    hidden_at TEXT NOT NULL,
    PRIMARY KEY (user_id, item_id)
) STRICT;

CREATE INDEX hidden_items_user_idx ON hidden_items (user_id, hidden_at, item_id);
CREATE INDEX hidden_items_item_idx ON hidden_items (item_id); -- deleting an item cascades here
