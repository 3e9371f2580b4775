-- Every change to a user bumps version: it is what the ETag of /me names, and a
-- PATCH with If-Match writes only while it is unchanged.
ALTER TABLE users ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- Whether others may list whom the user follows; NULL is the default by age
-- (hidden for minors, shown otherwise) until the user chooses.
ALTER TABLE users ADD COLUMN following_visible INTEGER CHECK (following_visible IN (0, 1));

-- A sign-in has one live refresh token, its head. Older releases could give a
-- sign-in a second head (a replay within the grace window); such sign-ins may
-- be forked by a stolen token, so they end here, keeping their newest token as
-- the only head.
UPDATE auth_families SET revoked_at = last_used_at
WHERE revoked_at IS NULL AND id IN (
    SELECT family_id FROM refresh_tokens WHERE rotated_at IS NULL GROUP BY family_id HAVING count(*) > 1);
UPDATE refresh_tokens SET rotated_at = created_at
WHERE rotated_at IS NULL AND EXISTS (
    SELECT 1 FROM refresh_tokens n
    WHERE n.family_id = refresh_tokens.family_id AND n.rotated_at IS NULL AND n.id > refresh_tokens.id);
CREATE UNIQUE INDEX refresh_tokens_one_head ON refresh_tokens (family_id) WHERE rotated_at IS NULL;
