-- 0004: the connected person's Slack name (issue 8), read once at login
-- (users.info: real name, else display name) so pages can name them
-- without a Slack call per view. '' when unknown (rows from before, or a
-- grant without users:read).

ALTER TABLE installations ADD COLUMN user_name TEXT NOT NULL DEFAULT '';
