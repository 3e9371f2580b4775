-- Caps on what one learner's events count for one item (package events): each
-- row counts the events that counted against one cap so far. scope is the UTC
-- day (YYYY-MM-DD) of a daily cap, the question of a quiz answer, or '' for a
-- cap that never resets. Ingestion reads and moves these in the transaction
-- that stores the events, under the learner's row lock.
CREATE TABLE event_tallies (
    user_id text COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    item_id text COLLATE "C" NOT NULL,
    kind    text NOT NULL,
    scope   text COLLATE "C" NOT NULL,
    counted bigint NOT NULL CHECK (counted >= 0),
    PRIMARY KEY (user_id, item_id, kind, scope)
);

-- Whether an event counted: one over a cap is kept in the log but not counted,
-- here or in the trending roll-up. Events stored before the caps counted.
ALTER TABLE events ADD COLUMN counted boolean NOT NULL DEFAULT true;

-- The question a quiz answer belongs to. Only a learner's first answer to a
-- question is graded; the index makes that hold whatever the concurrency.
-- Answers stored before this migration have no question and are left as they are.
ALTER TABLE events ADD COLUMN question text COLLATE "C" NOT NULL DEFAULT '';
CREATE UNIQUE INDEX events_first_answer_idx ON events (user_id, item_id, question)
    WHERE type = 'quiz_answer' AND correct IS NOT NULL AND question <> '';

-- The events already stored count as they would have under the caps of the time
-- (the same as package events states).
INSERT INTO event_tallies (user_id, item_id, kind, scope, counted)
SELECT user_id, item_id, kind, scope, least(count(*), max(cap))
FROM (
    SELECT user_id, item_id,
        CASE type WHEN 'unlike' THEN 'like' WHEN 'unsave' THEN 'save' ELSE type END AS kind,
        CASE WHEN type IN ('share', 'hide') THEN '' ELSE to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD') END AS scope,
        CASE type WHEN 'impression' THEN 20 WHEN 'view' THEN 10 WHEN 'complete' THEN 5 WHEN 'skip' THEN 10
            WHEN 'share' THEN 1 WHEN 'hide' THEN 1 ELSE 4 END AS cap
    FROM events WHERE type <> 'quiz_answer'
) AS e
GROUP BY user_id, item_id, kind, scope;
