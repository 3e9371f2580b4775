-- How far the trending roll-up has read the log in insertion order too: events
-- stored with a received_at behind its time mark (a seed or an import beside a
-- running server) are still counted, once. Existing logs count as read.
ALTER TABLE feed_rollups ADD COLUMN done_seq INTEGER NOT NULL DEFAULT 0;
UPDATE feed_rollups SET done_seq = (SELECT coalesce(max(seq), 0) FROM events);
