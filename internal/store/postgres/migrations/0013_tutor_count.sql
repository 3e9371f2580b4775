-- A conversation's message count is read from its messages (an indexed count)
-- instead of a counter kept beside them, which a path adding or removing
-- messages could forget.
ALTER TABLE tutor_conversations DROP COLUMN messages;
