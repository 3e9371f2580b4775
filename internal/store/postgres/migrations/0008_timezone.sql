-- The IANA timezone a learner's day is counted in (the feed's daily limit); ''
-- means UTC.
ALTER TABLE users ADD COLUMN timezone text NOT NULL DEFAULT '';
