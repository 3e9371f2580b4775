-- Content catalogue: items, topics, series, follows, blocks, hidden items, search.
-- IDs and slugs compare as bytes (COLLATE "C"), as on SQLite, so lists and keyset
-- pages follow the same order on both engines whatever the database's locale.

-- Search folds accents ("café" finds "cafe", as SQLite's remove_diacritics does).
-- unaccent ships with PostgreSQL (contrib) and is a trusted extension, so a role
-- with CREATE on the database can install it.
CREATE EXTENSION IF NOT EXISTS unaccent;

-- 'simple' rather than a language's stemmer: items come in any language, and
-- SQLite's unicode61 tokenizer does not stem either, so both engines match the same
-- words. Word tokens lose their accents, then are lower-cased.
CREATE TEXT SEARCH CONFIGURATION lyo_search (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION lyo_search
    ALTER MAPPING FOR asciiword, word, numword, asciihword, hword, numhword,
        hword_asciipart, hword_part, hword_numpart
    WITH unaccent, simple;

-- The taxonomy. A slug an item names is created on the fly, its name derived from it.
CREATE TABLE topics (
    slug   text COLLATE "C" PRIMARY KEY,
    name   text NOT NULL,
    parent text COLLATE "C" NOT NULL DEFAULT '' -- a slug; '' at the top
);

-- An ordered run of items; the order lives on the items (series_id, episode).
CREATE TABLE series (
    id          text COLLATE "C" PRIMARY KEY,
    creator_id  text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title       text NOT NULL,
    description text NOT NULL DEFAULT '',
    status      text NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE INDEX series_creator_idx ON series (creator_id, id);

CREATE TABLE items (
    id           text COLLATE "C" PRIMARY KEY,
    creator_id   text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         text NOT NULL,
    title        text NOT NULL,
    description  text NOT NULL DEFAULT '',
    body         text NOT NULL DEFAULT '',
    transcript   text NOT NULL DEFAULT '',
    difficulty   integer NOT NULL DEFAULT 0,
    language     text NOT NULL DEFAULT '',
    duration_ms  bigint NOT NULL DEFAULT 0,
    series_id    text COLLATE "C" REFERENCES series (id) ON DELETE SET NULL,
    episode      integer NOT NULL DEFAULT 0, -- from 1 in a series; 0 outside one
    media_ids    jsonb NOT NULL DEFAULT '[]',
    quiz         jsonb,
    status       text NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    published_at timestamptz,
    -- Computed on every write, in the writing transaction, so an item is searchable
    -- as soon as its write commits. Title weighs most, transcript least.
    search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('lyo_search', title), 'A') ||
        setweight(to_tsvector('lyo_search', description), 'B') ||
        setweight(to_tsvector('lyo_search', body), 'C') ||
        setweight(to_tsvector('lyo_search', transcript), 'D')
    ) STORED
);

CREATE INDEX items_creator_idx ON items (creator_id, status, id);
CREATE INDEX items_series_idx ON items (series_id, episode);
-- Only published items are searched, so only they are indexed.
CREATE INDEX items_search_idx ON items USING gin (search) WHERE status = 'published';

CREATE TABLE item_topics (
    item_id    text COLLATE "C" NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    topic_slug text COLLATE "C" NOT NULL REFERENCES topics (slug),
    position   integer NOT NULL, -- the item's order of its topics, from 0
    PRIMARY KEY (item_id, topic_slug)
);

CREATE INDEX item_topics_topic_idx ON item_topics (topic_slug, item_id);

-- A learner following a creator.
CREATE TABLE follows (
    user_id    text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    creator_id text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, creator_id)
);

CREATE INDEX follows_creator_idx ON follows (creator_id, created_at, user_id);
CREATE INDEX follows_user_idx ON follows (user_id, created_at, creator_id);

-- A learner keeping a creator out of their feed.
CREATE TABLE blocks (
    user_id    text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    creator_id text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, creator_id)
);

CREATE INDEX blocks_creator_idx ON blocks (creator_id, created_at, user_id);

-- Items a learner hid from their feed. Hide events (the events store) add rows;
-- the learner lists and removes them through the catalogue.
CREATE TABLE hidden_items (
    user_id   text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    item_id   text COLLATE "C" NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    hidden_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, item_id)
);

CREATE INDEX hidden_items_user_idx ON hidden_items (user_id, hidden_at, item_id);
CREATE INDEX hidden_items_item_idx ON hidden_items (item_id); -- deleting an item cascades here
