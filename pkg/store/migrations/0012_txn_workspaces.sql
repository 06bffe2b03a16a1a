-- 0012: the workspaces a person picked on the consent page (issue 12),
-- carried from the consent to the Slack callback: space-separated
-- installation IDs, the default first. Empty: the one signed in to.

ALTER TABLE oauth_txns ADD COLUMN workspaces TEXT NOT NULL DEFAULT '';
