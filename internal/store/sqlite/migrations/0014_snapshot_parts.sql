-- A model snapshot's bytes are stored in parts of a few megabytes rather than
-- one value: a value of a hundred megabytes (a catalogue of 100,000 items) is
-- copied whole through SQLite's own memory on every write and every read, on
-- nodes that serve while they train or load one, and a catalogue ten times
-- that would pass what one value may hold.
CREATE TABLE feed_snapshot_parts (
    version INTEGER NOT NULL REFERENCES feed_snapshots (version) ON DELETE CASCADE,
    part    INTEGER NOT NULL, -- from 0, in order
    data    BLOB NOT NULL,
    PRIMARY KEY (version, part)
) STRICT;

ALTER TABLE feed_snapshots ADD COLUMN size INTEGER NOT NULL DEFAULT 0; -- bytes, all parts together
UPDATE feed_snapshots SET size = length(data);
INSERT INTO feed_snapshot_parts (version, part, data) SELECT version, 0, data FROM feed_snapshots;
ALTER TABLE feed_snapshots DROP COLUMN data;
