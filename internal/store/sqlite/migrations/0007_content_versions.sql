-- Every write that changes what GET answers for an item or a series moves its
-- version: the ETag names it, and a PATCH with If-Match writes only while it is
-- unchanged. A series' answer also lists its episodes, so an episode's version
-- is part of the series' tag.
ALTER TABLE items ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE series ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
