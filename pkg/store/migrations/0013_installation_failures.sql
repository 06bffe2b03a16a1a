-- 0013: the last failure of an installation's Slack token (issue 12): a
-- refresh Slack refused for now, a connection test that failed. The
-- connection shows as failed until a refresh, a test or a new sign-in
-- works; one row per installation at most.

CREATE TABLE installation_failures (
    installation_id TEXT PRIMARY KEY,
    code            TEXT NOT NULL,
    failed_at       {{BIGINT}} NOT NULL
);
